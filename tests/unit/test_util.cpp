// test_util.cpp — helpers shared by the unit tests, and their main().
#include "test_util.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

#ifndef CGOSAN_UNIT_HELPER
#error "CGOSAN_UNIT_HELPER must name the helper executable"
#endif

extern char **environ;

namespace cgotest {

const char *HelperPath() { return CGOSAN_UNIT_HELPER; }

static std::string Basename(const char *file) {
  const char *slash = strrchr(file, '/');
  return slash ? slash + 1 : file;
}

std::string ReportRegex(const std::string &kind, const std::string &message_re,
                        const std::string &function, const char *file,
                        int line, const std::string &notes_re) {
  const std::string where =
      "[^\n]*/" + ReEscape(Basename(file)) + ":" +
      (line ? std::to_string(line) : std::string("[0-9]+")) + "(:[0-9]+)?";
  std::string re;
  re += "==[0-9]+==ERROR: CgoSanitizer: " + ReEscape(kind) + "\n";
  re += message_re + "\n";
  re += "    #0 0x[0-9a-f]+ in " + ReEscape(function) + " " + where + "\n";
  re += ".*";  // further frames
  if (!notes_re.empty())
    re += "\n" + notes_re + "\n";
  re += "SUMMARY: CgoSanitizer: " + ReEscape(kind) + " " + where + " in " +
        ReEscape(function) + "\n";
  return re;
}

ChildResult RunChild(const std::vector<std::string> &argv,
                     const char *options) {
  ChildResult result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0)
    return result;
  // Build the environment before fork: the child only execs.
  std::vector<std::string> env_strings;
  for (char **e = environ; *e; e++)
    if (strncmp(*e, "CGOSAN_OPTIONS=", 15) != 0)
      env_strings.push_back(*e);
  if (options)
    env_strings.push_back(std::string("CGOSAN_OPTIONS=") + options);
  std::vector<char *> envp, args;
  for (auto &s : env_strings) envp.push_back(&s[0]);
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto &s : argv_copy) args.push_back(&s[0]);
  args.push_back(nullptr);

  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    return result;
  }
  // Read with a deadline so a hung child fails the test instead of the run.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  char buf[4096];
  for (;;) {
    struct pollfd p = {fds[0], POLLIN, 0};
    int ms = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                  deadline - std::chrono::steady_clock::now())
                                  .count());
    if (ms <= 0) {
      kill(pid, SIGKILL);
      result.output += "\n<killed: timeout>\n";
      break;
    }
    int n = poll(&p, 1, ms);
    if (n < 0)
      continue;
    if (n == 0)
      continue;
    ssize_t got = read(fds[0], buf, sizeof(buf));
    if (got <= 0)
      break;
    result.output.append(buf, static_cast<size_t>(got));
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  if (WIFEXITED(status)) {
    result.exited = true;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

SuppressionsFile::SuppressionsFile(const std::string &text) {
  char name[] = "/tmp/cgosan-supp-XXXXXX";
  int fd = mkstemp(name);
  path_ = name;
  if (fd >= 0) {
    ssize_t n = write(fd, text.data(), text.size());
    (void)n;
    close(fd);
  }
}

SuppressionsFile::~SuppressionsFile() { unlink(path_.c_str()); }

}  // namespace cgotest

int main(int argc, char **argv) {
  testing::InitGoogleTest(&argc, argv);
  // The runtime starts threads' Ms lazily and tests start threads: re-exec
  // for each death test rather than fork a multi-threaded process.
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  return RUN_ALL_TESTS();
}
