// child_workload.cpp — see child_workload.h.
#include "child_workload.h"

#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace bench {

// The name part of a NAME=VALUE entry, with its '='.
static std::string NameOf(const std::string &entry) {
  return entry.substr(0, entry.find('=') + 1);
}

ChildRun RunChildWorkload(const std::vector<std::string> &argv,
                          const std::vector<std::string> &env) {
  ChildRun run;
  int out[2];
  if (pipe(out) != 0) {
    run.error = "pipe failed";
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::vector<char *> envp;
  for (char **e = environ; *e; e++) {
    bool replaced = false;
    for (const std::string &entry : env)
      replaced |= strncmp(*e, entry.c_str(), NameOf(entry).size()) == 0;
    if (!replaced)
      envp.push_back(*e);
  }
  for (const std::string &entry : env)
    envp.push_back(const_cast<char *>(entry.c_str()));
  envp.push_back(nullptr);
  std::vector<char *> args;
  for (const std::string &a : argv)
    args.push_back(const_cast<char *>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  int err = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  if (err != 0) {
    close(out[0]);
    run.error = "cannot run " + argv[0];
    return run;
  }
  std::string text;
  char buf[256];
  for (ssize_t n; (n = read(out[0], buf, sizeof buf)) > 0;)
    text.append(buf, static_cast<size_t>(n));
  close(out[0]);
  int status = 0;
  struct rusage usage = {};
  wait4(pid, &status, 0, &usage);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    run.error = argv[0];
    for (const std::string &entry : env)
      run.error += " " + entry;
    run.error += " failed: " + text;
    return run;
  }
  long long ns = 0;
  if (sscanf(text.c_str(), "ns=%lld", &ns) != 1) {
    run.error = "no ns= line from " + argv[0];
    return run;
  }
  run.ok = true;
  run.loop_ns = static_cast<double>(ns);
  run.peak_rss_kib = usage.ru_maxrss;
  return run;
}

void ChildWorkloadBenchmark(benchmark::State &state,
                            const std::vector<std::string> &argv,
                            const std::vector<std::string> &env) {
  long peak = 0;
  for (auto _ : state) {
    ChildRun run = RunChildWorkload(argv, env);
    if (!run.ok) {
      state.SkipWithError(run.error.c_str());
      return;
    }
    state.SetIterationTime(run.loop_ns / 1e9);
    peak = run.peak_rss_kib > peak ? run.peak_rss_kib : peak;
  }
  state.counters["peak_rss_kib"] = static_cast<double>(peak);
}

}  // namespace bench
