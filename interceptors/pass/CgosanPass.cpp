// CgosanPass.cpp — libCgosanPass.so, the clang pass plugin that makes a
// managed translation unit call C the way Go calls C through cgo.
//
//   clang-19 -g -fplugin=libCgosanPass.so -fpass-plugin=libCgosanPass.so \
//     -mllvm -cgosan-foreign='sqlite3_*,crc32' [-mllvm -cgosan-foreign-list=FILE] \
//     [-mllvm -cgosan-nocallback='sqlite3_column_*,crc32'] \
//     [-mllvm -cgosan-noescape='crc32,adler32'] \
//     [-mllvm -cgosan-check-stores] [-mllvm -cgosan-race] \
//     [-mllvm -cgosan-annotations=FILE] -c app.c
// (-fplugin as well: clang 19 parses -mllvm flags before it loads pass
// plugins, so the flags below exist only if the library is already loaded.)
//
// What it does, in every managed function of the module:
//  * each direct call `r = f(a, b, ...)` to a FOREIGN function becomes
//      cgosan_check_arg(p, NULL, "f", i)     for each pointer argument p
//      frame = {a, b, ...}; cgosan_cgocall(__cgosan_tramp.f, &frame); r = frame.ret
//    where the internal trampoline loads the arguments, calls f (same calling
//    convention and attributes) and stores its result: f runs on the thread's
//    system stack, the G is parked, the call is counted, errno comes back.
//    The call site picks what is checked, as cmd/cgo's checkAddr and
//    checkIndex do: the field or the array the argument's GEPs name, with a
//    cgosan_type the module carries (when it holds no pointer, nothing is
//    checked and cgosan_lend only notes what the call is handed), or
//    for any other pointer the whole managed object (t == NULL, rule 1 for
//    a void*) (ArgumentRegions.cpp). An invoke (C++) becomes an invoke of cgosan_cgocall with
//    the same landing pad; the runtime stops ordinary C++ exceptions at the
//    boundary, only forced unwinds (pthread_exit) still take it.
//  * with -cgosan-annotations=FILE, the `retains` lines of an annotation
//    file: a foreign call that keeps an argument also calls
//    cgosan_check_retained_by, and a call to an `until` function calls
//    cgosan_retention_end (Retention.cpp).
//  * with -cgosan-check-stores (cgocheck=2), a cgosan_check_store(slot, v)
//    before each store of a pointer value and a cgosan_check_memmove_typed
//    (or, with no type known, cgosan_check_memmove) before each
//    memcpy/memmove (StoreChecks.cpp, CopiedTypes.cpp); the runtime does
//    nothing unless CGOSAN_OPTIONS=cgocheck=2.
//  * with -cgosan-race, in every function the module defines (managed and
//    annotated foreign alike), a __cgosan_race_read/write call before each
//    load, store and memcpy/memset that may touch shared memory, and
//    cgosan_release / cgosan_acquire around atomics that synchronise
//    (RaceAccesses.cpp), each read/write call behind an inline test of the
//    range the runtime tracks, and one range before a loop instead of a
//    call per iteration where the loop allows (RaceLoops.cpp). That part
//    runs last in the optimisation pipeline, not first: see
//    RaceAccesses.cpp.
// New instructions carry the original instruction's debug location, so a
// report's frame #0 is the user's line.
//
// FOREIGN: a function the module only declares, named by -cgosan-foreign (a
// comma-separated list of names and globs) or -cgosan-foreign-list (a file,
// one name or glob per line, `#` comments). Without either flag no call is
// rewritten. -cgosan-nocallback (names and globs, the same way) names foreign
// functions that never call back and never block (Go 1.22's `#cgo
// nocallback`, plus the promise not to block): their calls, foreign by that
// flag alone, go through cgosan_cgocall_nocallback(tramp, frame, "f"), which
// does not park the G; a callback from one is a bad-callback report.
// -cgosan-noescape (names and globs) names foreign functions that keep none
// of the managed pointers they receive (Go 1.22's `#cgo noescape`): their
// calls, foreign by that flag alone, also lend each pointer argument with
// cgosan_lend_noescape (behind an inline test of __cgosan_lending, so the
// modes that lend nothing pay no call), so retention=full names the broken
// promise; a
// `noescape = yes` line of the -cgosan-annotations file says the same for
// the calls the other flags route.
// Globs never match the C library basics nor reserved `_` names
// (name those exactly to route them through cgocall), and nothing matches the
// cgosan_* API or LLVM intrinsics.
// MANAGED: every function the module defines, except those annotated
// __attribute__((annotate("cgosan_foreign"))), which stay exactly as written
// (as do calls to them: they are not declarations).
//
// Left alone on purpose, each with a remark (-Rpass-missed=cgosan; rewritten
// calls are listed by -Rpass=cgosan): variadic callees (no portable way to
// forward `...`), returns_twice (setjmp-like) and noreturn callees (they never
// come back to the parked G), musttail calls, calls with operand bundles.
// Indirect calls are not seen (the callee is unknown). The pass runs at the
// start of the pipeline (registerPipelineStartEPCallback, which LLVM 19 runs
// at -O0 as well), before inlining, so the optimizer sees the runtime calls
// and the trampolines; it does not run in an LTO link.
//
// Cost per foreign call: one cgosan_check_arg per pointer argument that may
// reach a pointer (a range compare when the pointer is not managed), the
// frame stores and loads, and the cgocall round trip (~8 ns);
// bench/pass_bench.cpp measures it. With -cgosan-check-stores, one call per
// pointer store or copy that may reach memory outside the function's own
// stack (a store of an aggregate: one per pointer in it). Each field or
// copied type the checks name is a small private constant of the module.
#include "CgosanPass.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Analysis/CaptureTracking.h"
#include "llvm/Analysis/OptimizationRemarkEmitter.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/InstIterator.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Passes/PassPlugin.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace cgosan {
namespace {

cl::list<std::string> ForeignNames(
    "cgosan-foreign", cl::CommaSeparated, cl::value_desc("name|glob,..."),
    cl::desc("cgosan: declared functions whose calls go through cgosan_cgocall"));
cl::list<std::string> NoCallbackNames(
    "cgosan-nocallback", cl::CommaSeparated, cl::value_desc("name|glob,..."),
    cl::desc("cgosan: foreign functions that never call back nor block; their "
             "calls go through cgosan_cgocall_nocallback"));
cl::list<std::string> NoEscapeNames(
    "cgosan-noescape", cl::CommaSeparated, cl::value_desc("name|glob,..."),
    cl::desc("cgosan: foreign functions that keep none of the managed pointers "
             "they receive (Go's #cgo noescape); their calls lend with "
             "cgosan_lend_noescape"));
cl::list<std::string> ForeignListFiles(
    "cgosan-foreign-list", cl::value_desc("file"),
    cl::desc("cgosan: file of foreign function names or globs, one per line"));
cl::list<std::string> AnnotationFiles(
    "cgosan-annotations", cl::value_desc("file"),
    cl::desc("cgosan: annotation file whose `retains` lines the foreign calls "
             "check (parameters by index)"));
cl::opt<bool> CheckStores(
    "cgosan-check-stores", cl::init(false),
    cl::desc("cgosan: check pointer stores and copies (cgocheck=2)"));
cl::opt<bool> Race(
    "cgosan-race", cl::init(false),
    cl::desc("cgosan: record loads, stores and atomic sync for the race checker"));

constexpr char kForeignAnnotation[] = "cgosan_foreign";

// Never foreign through a glob: what every program calls and no C library
// owns. Naming one exactly (-cgosan-foreign=malloc) still routes it.
const char *const kLibcBasics[] = {
    "malloc", "calloc", "realloc", "free", "aligned_alloc", "posix_memalign",
    "memcpy", "memmove", "memset", "memcmp", "memchr", "strlen", "strnlen",
    "strcmp", "strncmp", "strcpy", "strncpy", "strcat", "strncat", "strchr",
    "strrchr", "strstr", "strdup", "strndup", "strerror", "printf", "fprintf",
    "sprintf", "snprintf", "vprintf", "vfprintf", "vsnprintf", "puts", "fputs",
    "putchar", "fputc", "fwrite", "fflush", "perror", "abort", "exit", "_exit",
    "atexit", "setjmp", "longjmp", "sigsetjmp", "siglongjmp", "raise",
    "pthread_self", "sched_yield"};

bool isLibcBasic(StringRef name) {
  for (const char *basic : kLibcBasics)
    if (name == basic)
      return true;
  return false;
}

bool isGlob(StringRef pattern) {
  return pattern.find_first_of("*?[") != StringRef::npos;
}

void diagnoseError(Module &M, const Twine &message) {
  M.getContext().emitError("cgosan: " + message);
}

// Adds the names and globs of one list flag to set; false after reporting
// a bad glob.
bool addNames(Module &M, const cl::list<std::string> &names, StringRef flag,
              ForeignSet *set) {
  std::string error;
  for (const std::string &name : names) {
    if (!set->add(StringRef(name).trim(), &error)) {
      diagnoseError(M, "-" + flag + ": " + error);
      return false;
    }
  }
  return true;
}

// The nocallback and noescape sets from their flags; false after reporting
// a bad glob.
bool loadPromiseSets(Module &M, ForeignSet *nocallback, ForeignSet *noescape) {
  return addNames(M, NoCallbackNames, "cgosan-nocallback", nocallback) &&
         addNames(M, NoEscapeNames, "cgosan-noescape", noescape);
}

// The foreign set from the flags; false after reporting a bad flag.
bool loadForeignSet(Module &M, ForeignSet *set) {
  if (!addNames(M, ForeignNames, "cgosan-foreign", set))
    return false;
  std::string error;
  for (const std::string &path : ForeignListFiles) {
    ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
    if (!file) {
      diagnoseError(M, "cannot read -cgosan-foreign-list file '" + path +
                           "': " + file.getError().message());
      return false;
    }
    SmallVector<StringRef, 64> lines;
    (*file)->getBuffer().split(lines, '\n');
    for (size_t i = 0; i < lines.size(); ++i) {
      StringRef line = lines[i].split('#').first.trim();
      if (line.empty())
        continue;
      if (!set->add(line, &error)) {
        diagnoseError(M, path + ":" + Twine(i + 1) + ": " + error);
        return false;
      }
    }
  }
  return true;
}

}  // namespace

bool ForeignSet::add(StringRef pattern, std::string *error) {
  if (pattern.empty())
    return true;
  if (!isGlob(pattern)) {
    exact_.insert(pattern);
    return true;
  }
  Expected<GlobPattern> glob = GlobPattern::create(pattern);
  if (!glob) {
    *error = "bad glob '" + pattern.str() + "': " + toString(glob.takeError());
    return false;
  }
  globs_.push_back(std::move(*glob));
  return true;
}

bool ForeignSet::matches(StringRef name) const {
  if (name.starts_with("cgosan_") || name.starts_with("__cgosan") ||
      name.starts_with("llvm."))
    return false;
  if (exact_.contains(name))
    return true;
  if (name.starts_with("_") || isLibcBasic(name))
    return false;
  for (const GlobPattern &glob : globs_)
    if (glob.match(name))
      return true;
  return false;
}

DenseSet<const Function *> annotatedForeignFunctions(Module &M) {
  DenseSet<const Function *> annotated;
  GlobalVariable *annotations = M.getGlobalVariable("llvm.global.annotations");
  if (!annotations || !annotations->hasInitializer())
    return annotated;
  auto *entries = dyn_cast<ConstantArray>(annotations->getInitializer());
  if (!entries)
    return annotated;
  // Each entry: { ptr annotated value, ptr annotation string, file, line, args }.
  for (const Use &entry_use : entries->operands()) {
    auto *entry = dyn_cast<ConstantStruct>(entry_use.get());
    if (!entry || entry->getNumOperands() < 2)
      continue;
    auto *fn = dyn_cast<Function>(entry->getOperand(0)->stripPointerCasts());
    auto *text = dyn_cast<GlobalVariable>(entry->getOperand(1)->stripPointerCasts());
    if (!fn || !text || !text->hasInitializer())
      continue;
    auto *data = dyn_cast<ConstantDataSequential>(text->getInitializer());
    if (data && data->isCString() && data->getAsCString() == kForeignAnnotation)
      annotated.insert(fn);
  }
  return annotated;
}

bool isTrampoline(const Function &F) {
  return F.hasLocalLinkage() && F.getName().starts_with(kTrampolinePrefix);
}

bool PrivateSlots::contains(const Value *address) {
  auto *slot = dyn_cast<AllocaInst>(getUnderlyingObject(address));
  if (!slot)
    return false;
  auto [it, inserted] = escapes_.try_emplace(slot, false);
  if (inserted)
    it->second = PointerMayBeCaptured(slot, /*ReturnCaptures=*/true,
                                      /*StoreCaptures=*/true);
  return !it->second;
}

bool isConstantGlobal(const Value *address) {
  auto *global = dyn_cast<GlobalVariable>(getUnderlyingObject(address));
  return global && global->isConstant();
}

bool isManagedFunction(const Function &F,
                       const DenseSet<const Function *> &foreign_defs) {
  return !F.isDeclaration() && !F.hasFnAttribute(Attribute::Naked) &&
         !foreign_defs.contains(&F);
}

// cgosan_retention_end before every call to an `until` function in every
// function the module defines, managed or not, routed through cgocall or
// not: a retention the program ends where the rewrite does not look must
// still end, or its record would report a later unpin. True if any.
static bool endRetentionsIn(Module &M, const RetentionModel &retention,
                            RuntimeApi &api) {
  std::vector<CallBase *> ends;
  for (Function &F : M) {
    if (F.isDeclaration())
      continue;
    for (Instruction &I : instructions(F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      Function *callee = CB ? CB->getCalledFunction() : nullptr;
      if (callee && callee->isDeclaration() && retention.endsRetentions(callee->getName()))
        ends.push_back(CB);
    }
  }
  for (CallBase *CB : ends)
    endRetentions(*CB, api);
  return !ends.empty();
}

PreservedAnalyses CgosanPass::run(Module &M, ModuleAnalysisManager &) {
  ForeignSet foreign, nocallback, noescape;
  if (!loadForeignSet(M, &foreign) || !loadPromiseSets(M, &nocallback, &noescape))
    return PreservedAnalyses::all();
  RetentionModel retention;
  for (const std::string &path : AnnotationFiles) {
    std::string error;
    if (!retention.load(path, &error)) {
      diagnoseError(M, error);
      return PreservedAnalyses::all();
    }
  }
  bool routes = !foreign.empty() || !nocallback.empty() || !noescape.empty();
  if (!routes && !CheckStores)
    return PreservedAnalyses::all();

  DenseSet<const Function *> foreign_defs = annotatedForeignFunctions(M);
  std::vector<Function *> managed;
  for (Function &F : M)
    if (isManagedFunction(F, foreign_defs))
      managed.push_back(&F);  // before the trampolines join the module

  RuntimeApi api(M);
  bool changed = false;
  if (!retention.empty() && routes)
    changed |= endRetentionsIn(M, retention, api);
  for (Function *F : managed) {
    // Stores first: the frame stores the rewrite adds are the runtime's own.
    if (CheckStores && instrumentStores(*F, api) > 0)
      changed = true;
    if (!routes)
      continue;
    struct ForeignCall {
      CallBase *call;
      bool nocallback, noescape;
    };
    std::vector<ForeignCall> calls;
    for (Instruction &I : instructions(*F)) {
      auto *CB = dyn_cast<CallBase>(&I);
      if (!CB || CB->isInlineAsm())
        continue;
      Function *callee = CB->getCalledFunction();
      if (!callee || !callee->isDeclaration() || callee->isIntrinsic())
        continue;
      StringRef name = callee->getName();
      bool is_nocallback = nocallback.matches(name);
      bool is_noescape = noescape.matches(name) || retention.noescape(name);
      if (is_nocallback || noescape.matches(name) || foreign.matches(name))
        calls.push_back({CB, is_nocallback, is_noescape});
    }
    if (calls.empty())
      continue;
    OptimizationRemarkEmitter ORE(F);
    for (const ForeignCall &c : calls) {
      std::string error;
      if (rewriteForeignCall(*c.call, api, ORE, c.nocallback, c.noescape, retention,
                             &error))
        changed = true;
      else if (!error.empty())
        diagnoseError(M, error);
    }
    guardLends(api);
  }
  return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
}

}  // namespace cgosan

extern "C" LLVM_ATTRIBUTE_WEAK PassPluginLibraryInfo llvmGetPassPluginInfo() {
  return {LLVM_PLUGIN_API_VERSION, "CgosanPass", "0.1", [](PassBuilder &PB) {
            PB.registerPipelineStartEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  MPM.addPass(cgosan::CgosanPass());
                });
            // Race instrumentation goes last, after the optimizer has kept
            // what it could in registers (LLVM 19 runs this at -O0 too).
            PB.registerOptimizerLastEPCallback(
                [](ModulePassManager &MPM, OptimizationLevel) {
                  if (cgosan::Race)
                    MPM.addPass(cgosan::CgosanRacePass());
                });
            // `opt -load-pass-plugin=libCgosanPass.so -passes=cgosan` (or
            // cgosan-race, which needs no flag there)
            PB.registerPipelineParsingCallback(
                [](StringRef name, ModulePassManager &MPM,
                   ArrayRef<PassBuilder::PipelineElement>) {
                  if (name == "cgosan")
                    MPM.addPass(cgosan::CgosanPass());
                  else if (name == "cgosan-race")
                    MPM.addPass(cgosan::CgosanRacePass());
                  else
                    return false;
                  return true;
                });
          }};
}
