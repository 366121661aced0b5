// A classic-BPF interpreter for seccomp filters that follows the kernel: the same checks
// as bpf_check_classic() + seccomp_check_filter() at "load", then the same semantics as the
// kernel's cBPF->eBPF conversion at run time (A and X start at 0; division by a zero X
// returns 0; 32-bit loads of struct seccomp_data in host byte order).
#include "isolator/compiler/evaluator.h"

#include <linux/bpf_common.h>
#include <linux/seccomp.h>

#include <cstring>
#include <string>

#include "isolator/compiler/action_codes.h"

namespace sc::compiler {

namespace {

constexpr uint32_t kSeccompDataSize = sizeof(struct seccomp_data);  // 64
constexpr size_t kMaxInstructions = BPF_MAXINSNS;                 // 4096
constexpr unsigned kMemWords = BPF_MEMWORDS;                        // 16

[[noreturn]] void reject(size_t pc, const std::string& why) {
  throw EvaluationError("instruction " + std::to_string(pc) + ": " + why);
}

// seccomp_check_filter(): the only opcodes a seccomp filter may use.
bool allowed_opcode(uint16_t code) {
  switch (code) {
    case BPF_LD | BPF_W | BPF_ABS:
    case BPF_LD | BPF_W | BPF_LEN:
    case BPF_LDX | BPF_W | BPF_LEN:
    case BPF_RET | BPF_K:
    case BPF_RET | BPF_A:
    case BPF_ALU | BPF_ADD | BPF_K: case BPF_ALU | BPF_ADD | BPF_X:
    case BPF_ALU | BPF_SUB | BPF_K: case BPF_ALU | BPF_SUB | BPF_X:
    case BPF_ALU | BPF_MUL | BPF_K: case BPF_ALU | BPF_MUL | BPF_X:
    case BPF_ALU | BPF_DIV | BPF_K: case BPF_ALU | BPF_DIV | BPF_X:
    case BPF_ALU | BPF_AND | BPF_K: case BPF_ALU | BPF_AND | BPF_X:
    case BPF_ALU | BPF_OR | BPF_K:  case BPF_ALU | BPF_OR | BPF_X:
    case BPF_ALU | BPF_XOR | BPF_K: case BPF_ALU | BPF_XOR | BPF_X:
    case BPF_ALU | BPF_LSH | BPF_K: case BPF_ALU | BPF_LSH | BPF_X:
    case BPF_ALU | BPF_RSH | BPF_K: case BPF_ALU | BPF_RSH | BPF_X:
    case BPF_ALU | BPF_NEG:
    case BPF_LD | BPF_IMM:
    case BPF_LDX | BPF_IMM:
    case BPF_MISC | BPF_TAX:
    case BPF_MISC | BPF_TXA:
    case BPF_LD | BPF_MEM:
    case BPF_LDX | BPF_MEM:
    case BPF_ST:
    case BPF_STX:
    case BPF_JMP | BPF_JA:
    case BPF_JMP | BPF_JEQ | BPF_K: case BPF_JMP | BPF_JEQ | BPF_X:
    case BPF_JMP | BPF_JGE | BPF_K: case BPF_JMP | BPF_JGE | BPF_X:
    case BPF_JMP | BPF_JGT | BPF_K: case BPF_JMP | BPF_JGT | BPF_X:
    case BPF_JMP | BPF_JSET | BPF_K: case BPF_JMP | BPF_JSET | BPF_X:
      return true;
    default:
      return false;
  }
}

// bpf_check_classic() + seccomp_check_filter() + check_load_and_stores().
void check_program(const std::vector<sock_filter>& program) {
  const size_t len = program.size();
  if (len == 0 || len > kMaxInstructions)
    throw EvaluationError("program length " + std::to_string(len) + " is outside 1.." +
                          std::to_string(kMaxInstructions));
  for (size_t pc = 0; pc < len; ++pc) {
    const sock_filter& f = program[pc];
    if (!allowed_opcode(f.code)) reject(pc, "opcode 0x" + std::to_string(f.code) + " is not allowed in seccomp filters");
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS:
        if (f.k >= kSeccompDataSize || (f.k & 3)) reject(pc, "load outside struct seccomp_data or unaligned");
        break;
      case BPF_ALU | BPF_DIV | BPF_K:
        if (f.k == 0) reject(pc, "division by constant zero");
        break;
      case BPF_ALU | BPF_LSH | BPF_K:
      case BPF_ALU | BPF_RSH | BPF_K:
        if (f.k >= 32) reject(pc, "shift by 32 or more");
        break;
      case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM: case BPF_ST: case BPF_STX:
        if (f.k >= kMemWords) reject(pc, "scratch memory index out of range");
        break;
      case BPF_JMP | BPF_JA:
        if (f.k >= static_cast<uint32_t>(len - pc - 1)) reject(pc, "jump out of range");
        break;
      default:
        if (BPF_CLASS(f.code) == BPF_JMP && (pc + 1 + f.jt >= len || pc + 1 + f.jf >= len))
          reject(pc, "jump out of range");
    }
  }
  if (BPF_CLASS(program[len - 1].code) != BPF_RET) reject(len - 1, "program does not end with RET");

  // check_load_and_stores(): no path may read a scratch word it has not written.
  std::vector<uint16_t> masks(len, 0xffff);
  uint16_t memvalid = 0;
  for (size_t pc = 0; pc < len; ++pc) {
    memvalid &= masks[pc];
    const sock_filter& f = program[pc];
    switch (f.code) {
      case BPF_ST: case BPF_STX: memvalid |= static_cast<uint16_t>(1u << f.k); break;
      case BPF_LD | BPF_MEM: case BPF_LDX | BPF_MEM:
        if (!(memvalid & (1u << f.k))) reject(pc, "reads scratch memory M[" + std::to_string(f.k) + "] before writing it");
        break;
      case BPF_JMP | BPF_JA:
        masks[pc + 1 + f.k] &= memvalid;
        memvalid = 0xffff;
        break;
      default:
        if (BPF_CLASS(f.code) == BPF_JMP) {
          masks[pc + 1 + f.jt] &= memvalid;
          masks[pc + 1 + f.jf] &= memvalid;
          memvalid = 0xffff;
        }
    }
  }
}

}  // namespace

Evaluation evaluate(const std::vector<sock_filter>& program, const SyscallData& data) {
  check_program(program);

  // struct seccomp_data as the kernel lays it out, read as 32-bit host-order words.
  struct seccomp_data sd {};
  sd.nr = data.nr;
  sd.arch = data.arch;
  sd.instruction_pointer = data.instruction_pointer;
  for (int i = 0; i < 6; ++i) sd.args[i] = data.args[i];
  unsigned char bytes[kSeccompDataSize];
  std::memcpy(bytes, &sd, sizeof bytes);

  uint32_t A = 0, X = 0;
  uint32_t M[kMemWords] = {};
  Evaluation result;
  size_t pc = 0;
  for (;;) {
    // check_program proved every path ends in RET within bounds.
    const sock_filter& f = program[pc];
    ++result.instructions;
    size_t next = pc + 1;
    switch (f.code) {
      case BPF_LD | BPF_W | BPF_ABS: std::memcpy(&A, bytes + f.k, 4); break;
      case BPF_LD | BPF_W | BPF_LEN: A = kSeccompDataSize; break;
      case BPF_LDX | BPF_W | BPF_LEN: X = kSeccompDataSize; break;
      case BPF_LD | BPF_IMM: A = f.k; break;
      case BPF_LDX | BPF_IMM: X = f.k; break;
      case BPF_LD | BPF_MEM: A = M[f.k]; break;
      case BPF_LDX | BPF_MEM: X = M[f.k]; break;
      case BPF_ST: M[f.k] = A; break;
      case BPF_STX: M[f.k] = X; break;
      case BPF_MISC | BPF_TAX: X = A; break;
      case BPF_MISC | BPF_TXA: A = X; break;
      case BPF_ALU | BPF_ADD | BPF_K: A += f.k; break;
      case BPF_ALU | BPF_ADD | BPF_X: A += X; break;
      case BPF_ALU | BPF_SUB | BPF_K: A -= f.k; break;
      case BPF_ALU | BPF_SUB | BPF_X: A -= X; break;
      case BPF_ALU | BPF_MUL | BPF_K: A *= f.k; break;
      case BPF_ALU | BPF_MUL | BPF_X: A *= X; break;
      case BPF_ALU | BPF_DIV | BPF_K: A /= f.k; break;
      case BPF_ALU | BPF_DIV | BPF_X:
        if (X == 0) {  // the kernel's conversion: "if (X == 0) return 0"
          result.ret = 0;
          return result;
        }
        A /= X;
        break;
      case BPF_ALU | BPF_AND | BPF_K: A &= f.k; break;
      case BPF_ALU | BPF_AND | BPF_X: A &= X; break;
      case BPF_ALU | BPF_OR | BPF_K: A |= f.k; break;
      case BPF_ALU | BPF_OR | BPF_X: A |= X; break;
      case BPF_ALU | BPF_XOR | BPF_K: A ^= f.k; break;
      case BPF_ALU | BPF_XOR | BPF_X: A ^= X; break;
      case BPF_ALU | BPF_LSH | BPF_K: A <<= f.k; break;
      case BPF_ALU | BPF_LSH | BPF_X: A <<= (X & 31); break;
      case BPF_ALU | BPF_RSH | BPF_K: A >>= f.k; break;
      case BPF_ALU | BPF_RSH | BPF_X: A >>= (X & 31); break;
      case BPF_ALU | BPF_NEG: A = 0u - A; break;
      case BPF_JMP | BPF_JA: next = pc + 1 + f.k; break;
      case BPF_JMP | BPF_JEQ | BPF_K: next = pc + 1 + (A == f.k ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JEQ | BPF_X: next = pc + 1 + (A == X ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JGE | BPF_K: next = pc + 1 + (A >= f.k ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JGE | BPF_X: next = pc + 1 + (A >= X ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JGT | BPF_K: next = pc + 1 + (A > f.k ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JGT | BPF_X: next = pc + 1 + (A > X ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JSET | BPF_K: next = pc + 1 + ((A & f.k) ? f.jt : f.jf); break;
      case BPF_JMP | BPF_JSET | BPF_X: next = pc + 1 + ((A & X) ? f.jt : f.jf); break;
      case BPF_RET | BPF_K: result.ret = f.k; return result;
      case BPF_RET | BPF_A: result.ret = A; return result;
      default: reject(pc, "unexpected opcode");  // unreachable after check_program
    }
    pc = next;
  }
}

Evaluation evaluate_stack(const std::vector<std::vector<sock_filter>>& programs,
                          const SyscallData& data) {
  // seccomp_run_filters(): start from ALLOW, walk from the newest filter to the oldest, and
  // take a result only when its action is strictly more restrictive (smaller as a signed
  // ACTION_ONLY value). So on a tie the NEWEST filter's data wins.
  Evaluation result;
  result.ret = SECCOMP_RET_ALLOW;
  for (auto it = programs.rbegin(); it != programs.rend(); ++it) {
    Evaluation one = evaluate(*it, data);
    result.instructions += one.instructions;
    if (ret_precedence(one.ret) < ret_precedence(result.ret)) result.ret = one.ret;
  }
  return result;
}

}  // namespace sc::compiler
