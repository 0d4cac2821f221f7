// CgosanPass.h — the pieces of the cgosan clang pass plugin (libCgosanPass.so)
// and what they share. CgosanPass.cpp says what the pass does and why; this
// header only names the parts:
//   ForeignSet          which declared functions are foreign (the flags)
//   isManagedFunction   which defined functions are managed code
//   rewriteForeignCall  one call to a foreign function -> a checked cgocall
//   instrumentStores    cgocheck=2: one function's pointer stores and copies
//   PointerLayout       where a value of an IR type keeps its pointers, as a
//                       cgosan_type the module carries (PointerLayout.cpp)
//   argumentRegion      the bytes a pointer argument names: a field, an
//                       array, or the whole object (ArgumentRegions.cpp)
//   copiedLayout        the type a memcpy/memmove copies (CopiedTypes.cpp)
//   RetentionModel      -cgosan-annotations: the `retains` lines, and the
//                       checks and ends they add to calls (Retention.cpp)
//   CgosanRacePass      -cgosan-race: loads, stores and atomics (RaceAccesses.cpp)
//   loopAccessRanges    -cgosan-race: a loop's walk over memory, recorded
//                       once before the loop (RaceLoops.cpp)
//   addStraightLineRuns -cgosan-race: a block's run of accesses over
//                       consecutive bytes, recorded once (RaceRuns.cpp)
//   neitherSynchronisesNorLeaves
//                       what the two may record across
//   PrivateSlots, isConstantGlobal, isTrampoline
//                       memory and code no other thread can share
#ifndef CGOSAN_INTERCEPTORS_PASS_CGOSANPASS_H
#define CGOSAN_INTERCEPTORS_PASS_CGOSANPASS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/DerivedTypes.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Support/GlobPattern.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace llvm {
class AllocaInst;
class CallBase;
class DataLayout;
class Function;
class GEPOperator;
class GlobalVariable;
class Instruction;
class MemTransferInst;
class Module;
class OptimizationRemarkEmitter;
class Value;
}  // namespace llvm

namespace cgosan {

// The module pass. isRequired: it runs at -O0 too, where clang marks every
// function optnone and skips passes that are not required.
class CgosanPass : public llvm::PassInfoMixin<CgosanPass> {
 public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};

// -cgosan-race: the module pass that records loads, stores and atomic
// synchronisation for the race checker (RaceAccesses.cpp says what and why).
// It runs last in the optimisation pipeline, after CgosanPass, and at -O0.
class CgosanRacePass : public llvm::PassInfoMixin<CgosanRacePass> {
 public:
  llvm::PreservedAnalyses run(llvm::Module &M, llvm::ModuleAnalysisManager &);
  static bool isRequired() { return true; }
};

// One record standing for a group of loads (or of stores): the bytes
// [lowest, lowest + bytes), computed before `record_before`, which the
// group's members touch between them.
struct AccessRange {
  llvm::Instruction *record_before;
  llvm::Value *lowest;
  llvm::Value *bytes;
};

// Accesses recorded as groups: each group's range, under its first member
// in program order (whose kind and debug location the record takes), and
// every member of every group, the first ones included.
struct CoalescedAccesses {
  llvm::DenseMap<llvm::Instruction *, AccessRange> ranges;
  llvm::DenseSet<llvm::Instruction *> members;
};

// The loads and stores among `accesses` (plain ones, of F) that their loop
// repeats over consecutive bytes, alone or as a group of the same kind
// tiling each iteration's step, with no synchronisation inside the loop,
// each group with the range of all its iterations, computed in the loop's
// preheader (RaceLoops.cpp says exactly which). Call it before changing F's
// control flow: it asks F's loop and SCEV analyses.
CoalescedAccesses loopAccessRanges(llvm::Function &F, llvm::FunctionAnalysisManager &FAM,
                                   llvm::ArrayRef<llvm::Instruction *> accesses);

// Adds to `coalesced` the runs of `accesses` not yet in it: loads (or
// stores) of one block and one source line over consecutive bytes from one
// base, with nothing between them that synchronises (RaceRuns.cpp says
// exactly which), each with its range, computed before its first member.
void addStraightLineRuns(llvm::Function &F, llvm::ArrayRef<llvm::Instruction *> accesses,
                         CoalescedAccesses &coalesced);

// An instruction after which execution goes on in the same block (it
// returns, it does not throw) and that orders nothing between threads: no
// atomic, no fence, and no call but an intrinsic that is nosync, willreturn
// and nounwind. The race checker's epoch and knowledge are the same on
// either side of it.
bool neitherSynchronisesNorLeaves(const llvm::Instruction &I);

// The names given by -cgosan-foreign and -cgosan-foreign-list. An exact name
// matches itself; a glob (`*`, `?`, `[...]`) matches any name except the C
// library basics and reserved identifiers, which must be named exactly. The
// cgosan_* API and LLVM intrinsics never match.
class ForeignSet {
 public:
  // Adds one name or glob; false (and *error set) for a malformed glob.
  bool add(llvm::StringRef pattern, std::string *error);
  bool empty() const { return exact_.empty() && globs_.empty(); }
  bool matches(llvm::StringRef name) const;

 private:
  llvm::StringSet<> exact_;
  std::vector<llvm::GlobPattern> globs_;
};

// Bytes of a value, and which of its words hold pointers: what a
// cgosan_type's size and ptrmask say (PointerLayout.cpp).
struct PointerLayout {
  std::string name;         // for reports: "struct row", "void *[4]"
  uint64_t size = 0;        // bytes
  std::vector<bool> slots;  // slots[i]: word i (bytes 8i..8i+8) is a pointer
  bool hasPointers() const;
};

// The runtime entry points the rewritten code calls, declared once per module,
// and the per-module caches of the rewrite.
struct RuntimeApi {
  explicit RuntimeApi(llvm::Module &M);

  llvm::Module &module;
  llvm::FunctionCallee cgocall;        // int cgosan_cgocall(cgosan_fn, void *)
  // int cgosan_cgocall_nocallback(cgosan_fn, void *, const char *callee)
  llvm::FunctionCallee cgocall_nocallback;
  llvm::FunctionCallee check_arg;      // void cgosan_check_arg(p, t, callee, argno)
  llvm::FunctionCallee lend;           // void cgosan_lend(p, callee, argno)
  llvm::FunctionCallee lend_noescape;  // void cgosan_lend_noescape(p, callee, argno)
  // u8 __cgosan_lending: 1 with retention=guard or full, read inline so that
  // the other modes skip the lend calls with one load.
  llvm::Constant *lending;
  llvm::FunctionCallee check_store;    // void cgosan_check_store(void **, void *)
  llvm::FunctionCallee check_memmove;  // void cgosan_check_memmove(dst, src, n)
  llvm::FunctionCallee check_memmove_typed;  // (dst, src, n, const cgosan_type *)
  // (p, owner, callee, argno, until, until_names)
  llvm::FunctionCallee check_retained_by;
  // (p, owner, long long slot, callee, argno, until, until_names)
  llvm::FunctionCallee check_retained_in_slot;
  llvm::FunctionCallee retention_failed;  // (p, owner, callee)
  llvm::FunctionCallee retention_end_slot;  // (owner, long long slot)
  llvm::FunctionCallee retention_end;  // void cgosan_retention_end(owner, fn)

  // "name\0" for the callee argument of cgosan_check_arg, one per callee.
  llvm::GlobalVariable *calleeName(llvm::StringRef name);
  // A private constant cgosan_type for `layout`, one per distinct layout.
  llvm::GlobalVariable *typeFor(const PointerLayout &layout);
  // One trampoline per (callee, call type, call attributes, calling conv).
  std::map<std::tuple<llvm::Function *, llvm::FunctionType *, void *, unsigned>,
           llvm::Function *>
      trampolines;
  // One frame alloca per (function, frame type): the calls of one activation
  // never overlap, so they share it.
  std::map<std::pair<llvm::Function *, llvm::StructType *>, llvm::AllocaInst *>
      frames;
  // The lend calls of each rewritten call, in a row before it, until
  // guardLends puts each group behind its test of __cgosan_lending.
  std::vector<llvm::SmallVector<llvm::CallInst *, 2>> lend_groups;

 private:
  llvm::StringMap<llvm::GlobalVariable *> callee_names_;
  llvm::StringMap<llvm::GlobalVariable *> types_;
};

// True when a value of T can hold a pointer (address space 0).
bool mayHoldPointers(llvm::Type *T);

// The layout of the bytes [offset, offset + size) of a value of T; nullopt
// when a pointer lies in them at an offset that is not a whole number of
// words from `offset` (a packed struct): no ptrmask can say where it is.
std::optional<PointerLayout> pointerLayout(llvm::Type *T, uint64_t offset,
                                           uint64_t size, const llvm::DataLayout &DL);

// A C-like name for an IR type: "struct row", "char[32]", "void *".
std::string cTypeName(llvm::Type *T);

// What cgosan_check_arg checks for one pointer argument: cmd/cgo's
// checkAddr / checkIndex, read from the GEPs that compute the address
// (ArgumentRegions.cpp). type nullptr: the whole object the argument
// points into; otherwise the bytes of `type` at the address `gep`'s pointer
// operand indexed by its first `indices` indices (at least the first).
struct ArgumentRegion {
  llvm::Type *type = nullptr;
  llvm::GEPOperator *gep = nullptr;
  unsigned indices = 0;
  // That address, computed just before `call` when the code has no such value.
  llvm::Value *start(llvm::Instruction *call) const;
};
ArgumentRegion argumentRegion(llvm::Value *arg);

// The layout of what `copy` copies, from the static types of its source or
// destination, or clang's !tbaa.struct (CopiedTypes.cpp); nullopt when none
// is known. `from_frame_or_global`: the source is a local or a global, never
// managed memory, so the layout is all there is to check.
struct CopiedLayout {
  PointerLayout layout;
  bool from_frame_or_global = false;
};
std::optional<CopiedLayout> copiedLayout(llvm::MemTransferInst &copy,
                                         const llvm::DataLayout &DL);

// True when F's body is managed code the pass instruments: every function
// defined in the module except those annotated
// __attribute__((annotate("cgosan_foreign"))) (listed in `foreign_defs`).
bool isManagedFunction(const llvm::Function &F,
                       const llvm::DenseSet<const llvm::Function *> &foreign_defs);

// The runtime entry that runs a foreign call, and the name prefix of the
// internal trampolines the rewrite passes to it (__cgosan_tramp.<callee>).
constexpr char kCgocallName[] = "cgosan_cgocall";
// The one for functions named by -cgosan-nocallback (never call back, never
// block): no parking, the callee's name as a third argument.
constexpr char kNoCallbackCgocallName[] = "cgosan_cgocall_nocallback";
constexpr char kTrampolinePrefix[] = "__cgosan_tramp.";
bool isTrampoline(const llvm::Function &F);

// Stack slots (allocas) of one function whose address never escapes it:
// nothing outside the function's own activation can read or write them.
// Answers for any address into such a slot; caches per slot.
class PrivateSlots {
 public:
  bool contains(const llvm::Value *address);

 private:
  llvm::DenseMap<const llvm::AllocaInst *, bool> escapes_;
};

// An address into a global the program never writes (a constant global).
bool isConstantGlobal(const llvm::Value *address);

// Functions the module defines with annotate("cgosan_foreign").
llvm::DenseSet<const llvm::Function *> annotatedForeignFunctions(llvm::Module &M);

// One `retains` line of an annotation file (docs/annotations.md), with its
// parameters as 0-based C indexes (kNoParam: no `when`; -1: given by name,
// which the pass cannot resolve: an error if the function is called).
constexpr int kNoParam = -2;
struct RetainsLine {
  std::string where;  // "FILE:LINE: ", for errors
  int param = -1, key = -1, when_param = kNoParam, slot = kNoParam;
  std::string param_ref, key_ref, when_ref, slot_ref;  // as written
  uint64_t when_value = 0;
  bool has_result = false;  // `if result == INTEGER`: kept only then
  uint64_t result_value = 0;
  std::vector<std::string> until;
  std::string until_text;  // "sqlite3_reset/finalize/clear_bindings"
};

// A `rebinds = SLOT [by OWNER]` line: the call ends what OWNER kept in SLOT.
struct RebindsLine {
  std::string where;  // "FILE:LINE: ", for errors
  int slot = -1, key = -1;
  std::string slot_ref, key_ref;  // as written
};

// The `retains`, `rebinds` and `noescape` lines of the -cgosan-annotations
// files, by function.
class RetentionModel {
 public:
  // Adds the file's lines; false, with *error ("FILE:LINE: ..."), when it
  // cannot be read, a `retains` or `noescape` line is malformed, or a
  // function both retains and promises noescape.
  bool load(llvm::StringRef path, std::string *error);
  const std::vector<RetainsLine> *retains(llvm::StringRef fn) const;
  const std::vector<RebindsLine> *rebinds(llvm::StringRef fn) const;
  // `noescape = yes`: fn keeps none of the managed pointers it receives.
  bool noescape(llvm::StringRef fn) const { return noescape_.contains(fn); }
  // Whether fn is an `until` function of some line.
  bool endsRetentions(llvm::StringRef fn) const { return ends_.contains(fn); }
  bool empty() const { return retains_.empty() && rebinds_.empty(); }

 private:
  llvm::StringMap<std::vector<RetainsLine>> retains_;
  llvm::StringSet<> ends_;
  llvm::StringMap<std::vector<RebindsLine>> rebinds_;
  llvm::StringMap<std::string> noescape_;  // fn -> "FILE:LINE: " of its line
};

// A retention to take back after the call when its result is not the
// `if result ==` value: what was checked (NULL where `when` did not hold).
struct RetentionToUndo {
  const RetainsLine *line;
  llvm::Value *kept, *owner;
};

// Before the foreign call CB (its C arguments from IR argument
// first_c_arg): cgosan_check_retained_by (or _in_slot) for each `retains`
// line of its callee; the lines with `if result ==` are added to *undo.
// False, with *error, when a line does not fit the call.
bool checkRetention(llvm::CallBase &CB, unsigned first_c_arg,
                    const RetentionModel &model, RuntimeApi &api,
                    std::vector<RetentionToUndo> *undo, std::string *error);
// After the call, at B, with its result: cgosan_retention_failed for each of
// `undo` whose result is not the value its line names (a select, no branch).
void undoFailedRetentions(llvm::IRBuilder<> &B, llvm::Value *result,
                          llvm::StringRef callee,
                          const std::vector<RetentionToUndo> &undo, RuntimeApi &api);
// Before CB, a call to an `until` function (in any function the module
// defines): cgosan_retention_end with its first argument.
void endRetentions(llvm::CallBase &CB, RuntimeApi &api);

// Rewrites the call or invoke CB (to a foreign declaration) into checked
// arguments + cgosan_cgocall (cgosan_cgocall_nocallback when `nocallback`)
// through a trampoline; erases CB. False, with a remark, for a call it leaves
// alone (variadic, returns_twice, noreturn, operand bundles, musttail).
// With `retention`, the `retains` lines of its callee are checked too
// (false, with *error, when one does not fit the call: CB is left as is).
// With `noescape` (-cgosan-noescape, or `noescape = yes` in the annotation
// file), each pointer argument is also lent with cgosan_lend_noescape
// (guardLends puts the lends behind their inline test).
// The lends the rewrites of one function emitted (cgosan_lend,
// cgosan_lend_noescape), each call's behind one inline test of
// __cgosan_lending; after the function's last rewrite (it splits blocks).
void guardLends(RuntimeApi &api);

bool rewriteForeignCall(llvm::CallBase &CB, RuntimeApi &api,
                        llvm::OptimizationRemarkEmitter &ORE, bool nocallback,
                        bool noescape, const RetentionModel &retention,
                        std::string *error);

// cgocheck=2: a cgosan_check_store before each store of a pointer value (each
// pointer of a stored aggregate), a typed or untyped cgosan_check_memmove
// before each memcpy/memmove, in F, except into stack slots that never
// escape F. Returns the number of checks inserted.
unsigned instrumentStores(llvm::Function &F, RuntimeApi &api);

}  // namespace cgosan

#endif  // CGOSAN_INTERCEPTORS_PASS_CGOSANPASS_H
