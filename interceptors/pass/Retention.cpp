// Retention.cpp — `retains` annotations through the pass (rule 2, known
// retention). -cgosan-annotations=FILE reads an annotation file in
// cgosan-gen's format (docs/annotations.md); of it the pass needs only the
// `retains` lines, and the rest (accesses, callbacks...) stays the
// interposer's business. For a foreign call to an annotated function it
// emits, before the cgocall, what the interposer's wrapper does:
//   cgosan_check_retained_by(when ? p : NULL, owner, "f", PARAM, "UNTIL", until)
// (a NULL pointer checks and records nothing, so the `when` condition is a
// select, not a branch), and before every call to an `until` function, in
// any function the module defines, rewritten or not,
// cgosan_retention_end(first argument, "g"): a retention the program ends
// through a call the pass does not route must still end. A line with `slot
// PARAM` calls cgosan_check_retained_in_slot instead, and one with `if
// result == INTEGER` also calls cgosan_retention_failed(result != INTEGER ?
// p : NULL, owner, "f") after the call; a `rebinds = SLOT [by OWNER]` line
// calls cgosan_retention_end_slot(owner, slot) before the call. `noescape =
// yes` lines make the function's calls lend with cgosan_lend_noescape
// (ForeignCalls.cpp).
// The pass sees IR, where a parameter has no name, so PARAM, `by` and `when`
// must be 0-based indexes; a line that names one is an error only in a
// module that calls its function (the file may serve an interposer too).
#include "CgosanPass.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace cgosan {
namespace {

// A parameter reference: its index, or -1 with the name kept for the error.
int paramIndex(StringRef ref) {
  unsigned index;
  return ref.getAsInteger(10, index) ? -1 : int(index);
}

// The `until` calls as reports name them: the first in full, the others
// without the prefix they share with it up to an underscore (as
// annotations.py's until_text, so both tools print the same annotation).
std::string untilText(ArrayRef<std::string> until) {
  std::string text = until[0];
  for (const std::string &u : until.drop_front()) {
    size_t shared = 0;
    while (shared < std::min(u.size(), until[0].size()) && u[shared] == until[0][shared])
      ++shared;
    size_t cut = StringRef(u).substr(0, shared).rfind('_');
    cut = cut == StringRef::npos ? 0 : cut + 1;
    text += "/" + (cut < u.size() ? u.substr(cut) : u);
  }
  return text;
}

// An INTEGER of a `when` or `if result` clause: decimal or 0x hex, maybe
// negative, in 64 bits (two's complement).
bool parseInteger(StringRef text, uint64_t *out) {
  bool negative = text.consume_front("-");
  APInt value;
  if (text.empty() || text.getAsInteger(0, value) || value.getActiveBits() > 64)
    return false;
  uint64_t magnitude = value.zextOrTrunc(64).getZExtValue();
  *out = negative ? 0 - magnitude : magnitude;
  return true;
}

// `PARAM until FUNCTION... [by PARAM] [when PARAM == INTEGER] [slot PARAM]
// [if result == INTEGER]` into r (the grammar of annotations.py's _RETAINS;
// FUNCTIONs split by blanks or commas).
bool parseRetains(StringRef value, RetainsLine *r) {
  SmallVector<StringRef, 12> words;
  SplitString(value, words, " \t,");
  // `==` may touch its operands: split it out.
  SmallVector<StringRef, 12> tokens;
  for (StringRef w : words) {
    while (!w.empty()) {
      size_t eq = w.find("==");
      if (eq == StringRef::npos) {
        tokens.push_back(w);
        break;
      }
      if (eq)
        tokens.push_back(w.take_front(eq));
      tokens.push_back("==");
      w = w.drop_front(eq + 2);
    }
  }
  size_t i = 0;
  auto next = [&]() -> StringRef { return i < tokens.size() ? tokens[i++] : StringRef(); };
  r->param_ref = next().str();
  if (r->param_ref.empty() || next() != "until")
    return false;
  auto clause = [](StringRef t) {
    return t == "by" || t == "when" || t == "slot" || t == "if";
  };
  while (i < tokens.size() && !clause(tokens[i])) {
    if (!all_of(tokens[i], [](char c) { return isAlnum(c) || c == '_'; }))
      return false;
    r->until.push_back(tokens[i++].str());
  }
  if (r->until.empty())
    return false;
  r->key_ref = "0";
  if (i < tokens.size() && tokens[i] == "by") {
    ++i;
    r->key_ref = next().str();
    if (r->key_ref.empty())
      return false;
  }
  // `== INTEGER` after a clause's operand.
  auto equals = [&](uint64_t *out) {
    StringRef text = i + 1 < tokens.size() && tokens[i] == "==" ? tokens[i + 1] : "";
    i += 2;
    return parseInteger(text, out);
  };
  if (i < tokens.size() && tokens[i] == "when") {
    ++i;
    r->when_ref = next().str();
    if (r->when_ref.empty() || !equals(&r->when_value))
      return false;
  }
  if (i < tokens.size() && tokens[i] == "slot") {
    ++i;
    r->slot_ref = next().str();
    if (r->slot_ref.empty())
      return false;
  }
  if (i < tokens.size() && tokens[i] == "if") {
    ++i;
    if (next() != "result" || !equals(&r->result_value))
      return false;
    r->has_result = true;
  }
  if (i != tokens.size())
    return false;
  r->param = paramIndex(r->param_ref);
  r->key = paramIndex(r->key_ref);
  r->when_param = r->when_ref.empty() ? kNoParam : paramIndex(r->when_ref);
  r->slot = r->slot_ref.empty() ? kNoParam : paramIndex(r->slot_ref);
  return true;
}

}  // namespace

bool RetentionModel::load(StringRef path, std::string *error) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> file = MemoryBuffer::getFile(path);
  if (!file) {
    *error = "cannot read -cgosan-annotations file '" + path.str() +
             "': " + file.getError().message();
    return false;
  }
  SmallVector<StringRef, 128> lines;
  (*file)->getBuffer().split(lines, '\n');
  std::string section;
  for (size_t i = 0; i < lines.size(); ++i) {
    StringRef line = lines[i].trim();
    std::string where = path.str() + ":" + std::to_string(i + 1) + ": ";
    if (line.empty() || line[0] == '#' || line[0] == ';')
      continue;
    if (line.starts_with("[") && line.ends_with("]")) {
      section = line.drop_front().drop_back().trim().str();
      continue;
    }
    auto [key, value] = line.split('=');
    key = key.trim();
    if (key != "retains" && key != "noescape" && key != "rebinds")
      continue;  // the interposer's keys; cgosan-gen checks them
    if (section.empty()) {
      *error = where + "`" + key.str() + "` before any [function] section";
      return false;
    }
    if (key == "noescape") {
      std::string word = value.trim().lower();
      if (word != "yes" && word != "true" && word != "1" && word != "no" &&
          word != "false" && word != "0") {
        *error = where + "`noescape` takes yes or no, not `" + value.trim().str() + "`";
        return false;
      }
      if (word == "yes" || word == "true" || word == "1")
        noescape_[section] = where;
      continue;
    }
    if (key == "rebinds") {
      SmallVector<StringRef, 4> words;
      SplitString(value, words, " \t");
      RebindsLine b;
      b.where = where;
      b.key_ref = "0";
      if (words.size() == 3 && words[1] == "by") {
        b.key_ref = words[2].str();
      } else if (words.size() != 1) {
        *error = where + "`rebinds` takes: PARAM [by PARAM]";
        return false;
      }
      b.slot_ref = words[0].str();
      b.slot = paramIndex(b.slot_ref);
      b.key = paramIndex(b.key_ref);
      rebinds_[section].push_back(std::move(b));
      continue;
    }
    RetainsLine r;
    r.where = where;
    if (!parseRetains(value, &r)) {
      *error = where + "`retains` takes: PARAM until FUNCTION... [by PARAM] "
                       "[when PARAM == INTEGER] [slot PARAM] [if result == INTEGER]";
      return false;
    }
    for (const std::string &u : r.until)
      ends_.insert(u);
    r.until_text = untilText(r.until);
    retains_[section].push_back(std::move(r));
  }
  for (const auto &entry : noescape_) {
    if (const std::vector<RetainsLine> *lines = retains(entry.first())) {
      *error = entry.second + "`noescape = yes` contradicts `retains` (" +
               lines->front().where.substr(0, lines->front().where.size() - 2) +
               "): a function that keeps an argument cannot promise to keep none";
      return false;
    }
  }
  return true;
}

const std::vector<RebindsLine> *RetentionModel::rebinds(StringRef fn) const {
  auto it = rebinds_.find(fn);
  return it == rebinds_.end() ? nullptr : &it->second;
}

const std::vector<RetainsLine> *RetentionModel::retains(StringRef fn) const {
  auto it = retains_.find(fn);
  return it == retains_.end() ? nullptr : &it->second;
}

namespace {

// The `until` names of r as a private constant, NULL-terminated array.
Constant *untilArray(const RetainsLine &r, RuntimeApi &api) {
  LLVMContext &ctx = api.module.getContext();
  auto *ptr = PointerType::getUnqual(ctx);
  SmallVector<Constant *, 4> names;
  for (const std::string &u : r.until)
    names.push_back(api.calleeName(u));
  names.push_back(ConstantPointerNull::get(ptr));
  auto *type = ArrayType::get(ptr, names.size());
  auto *array = new GlobalVariable(api.module, type, /*isConstant=*/true,
                                   GlobalValue::PrivateLinkage,
                                   ConstantArray::get(type, names), "__cgosan_until");
  array->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  return array;
}

// arg as a pointer (an integer handle converted), or nullptr when it is
// neither.
Value *asPointer(Value *arg, IRBuilder<> &B) {
  Type *ptr = PointerType::getUnqual(B.getContext());
  if (arg->getType()->isPointerTy())
    return B.CreatePointerCast(arg, ptr);
  if (arg->getType()->isIntegerTy())
    return B.CreateIntToPtr(B.CreateSExtOrTrunc(arg, B.getInt64Ty()), ptr);
  return nullptr;
}

}  // namespace

bool checkRetention(CallBase &CB, unsigned first_c_arg, const RetentionModel &model,
                    RuntimeApi &api, std::vector<RetentionToUndo> *undo,
                    std::string *error) {
  StringRef name = CB.getCalledFunction()->getName();
  const std::vector<RetainsLine> *lines = model.retains(name);
  const std::vector<RebindsLine> *rebinds = model.rebinds(name);
  if (!lines && !rebinds)
    return true;
  IRBuilder<> B(&CB);
  B.SetCurrentDebugLocation(CB.getDebugLoc());
  // The C argument `index` of the line at `where` (a pointer or an integer),
  // or nullptr with *error.
  auto lineArg = [&](const std::string &where, int index, const std::string &ref,
                     const char *what) -> Value * {
    if (index < 0) {
      *error = where + "the pass knows parameters by index, not by name: `" + ref +
               "` (" + what + ") of " + name.str();
      return nullptr;
    }
    if (first_c_arg + index >= CB.arg_size()) {
      *error = where + name.str() + " is called with no parameter " + ref;
      return nullptr;
    }
    Value *v = CB.getArgOperand(first_c_arg + index);
    if (!v->getType()->isPointerTy() && !v->getType()->isIntegerTy()) {
      *error = where + "parameter " + ref + " of " + name.str() +
               " is neither a pointer nor an integer in the call";
      return nullptr;
    }
    return v;
  };
  // A slot as the wrapper passes it: a 64-bit integer.
  auto asSlot = [&](Value *v) {
    return v->getType()->isPointerTy() ? B.CreatePtrToInt(v, B.getInt64Ty())
                                       : B.CreateSExtOrTrunc(v, B.getInt64Ty());
  };
  for (const RebindsLine &b : rebinds ? *rebinds : std::vector<RebindsLine>()) {
    Value *slot = lineArg(b.where, b.slot, b.slot_ref, "PARAM");
    Value *owner = slot ? lineArg(b.where, b.key, b.key_ref, "by") : nullptr;
    if (!owner)
      return false;
    B.CreateCall(api.retention_end_slot, {asPointer(owner, B), asSlot(slot)});
  }
  for (const RetainsLine &r : lines ? *lines : std::vector<RetainsLine>()) {
    auto arg = [&](int index, const std::string &ref, const char *what) {
      return lineArg(r.where, index, ref, what);
    };
    Value *p = arg(r.param, r.param_ref, "PARAM");
    Value *owner = p ? arg(r.key, r.key_ref, "by") : nullptr;
    if (!owner)
      return false;
    if (!p->getType()->isPointerTy()) {
      *error = r.where + "parameter " + r.param_ref + " of " + name.str() +
               " is not a pointer in the call";
      return false;
    }
    Type *ptr = PointerType::getUnqual(CB.getContext());
    Value *kept = p;
    if (r.when_param != kNoParam) {
      Value *when = arg(r.when_param, r.when_ref, "when");
      if (!when)
        return false;
      // Compared at the argument's own width, as C compares the value the
      // caller passed whatever its signedness; an INTEGER that no value of
      // that width holds is never equal: the line never retains.
      Value *value = when->getType()->isPointerTy()
                         ? B.CreatePtrToInt(when, B.getInt64Ty())
                         : when;
      unsigned bits = value->getType()->getIntegerBitWidth();
      APInt wanted(64, r.when_value);
      if (!wanted.isSignedIntN(bits) && !wanted.isIntN(bits))
        continue;
      kept = B.CreateSelect(B.CreateICmpEQ(value, B.getInt(wanted.trunc(bits))), p,
                            ConstantPointerNull::get(cast<PointerType>(ptr)));
    }
    Value *owner_ptr = asPointer(owner, B);
    Value *tail[] = {api.calleeName(name), B.getInt32(unsigned(r.param)),
                     api.calleeName(r.until_text), untilArray(r, api)};
    if (r.slot != kNoParam) {
      // Called whether `when` holds or not: every call ends what the slot kept.
      Value *slot = arg(r.slot, r.slot_ref, "slot");
      if (!slot)
        return false;
      B.CreateCall(api.check_retained_in_slot,
                   {kept, owner_ptr, asSlot(slot), tail[0], tail[1], tail[2], tail[3]});
    } else {
      B.CreateCall(api.check_retained_by,
                   {kept, owner_ptr, tail[0], tail[1], tail[2], tail[3]});
    }
    if (r.has_result)
      undo->push_back({&r, kept, owner_ptr});
  }
  return true;
}

void undoFailedRetentions(IRBuilder<> &B, Value *result, StringRef callee,
                          const std::vector<RetentionToUndo> &undo, RuntimeApi &api) {
  if (undo.empty() || !result || !result->getType()->isIntegerTy())
    return;  // no integer result to judge by: the record stays (a miss at worst)
  auto *null = ConstantPointerNull::get(PointerType::getUnqual(B.getContext()));
  unsigned bits = result->getType()->getIntegerBitWidth();
  for (const RetentionToUndo &u : undo) {
    APInt kept_value(64, u.line->result_value);
    Value *failed = B.CreateICmpNE(result, B.getInt(kept_value.trunc(bits)));
    B.CreateCall(api.retention_failed,
                 {B.CreateSelect(failed, u.kept, null), u.owner, api.calleeName(callee)});
  }
}

void endRetentions(CallBase &CB, RuntimeApi &api) {
  if (CB.arg_size() == 0)
    return;
  IRBuilder<> B(&CB);
  B.SetCurrentDebugLocation(CB.getDebugLoc());
  // An sret slot comes first in IR; the C first argument is after it.
  unsigned first = CB.paramHasAttr(0, Attribute::StructRet) ? 1 : 0;
  if (first >= CB.arg_size())
    return;
  if (Value *owner = asPointer(CB.getArgOperand(first), B))
    B.CreateCall(api.retention_end,
                 {owner, api.calleeName(CB.getCalledFunction()->getName())});
}

}  // namespace cgosan
