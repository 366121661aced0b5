// The cBPF evaluator on hand-written programs: every opcode class, the kernel's load-time
// checks, and stacked filters' precedence.
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>

#include <gtest/gtest.h>

#include <cstddef>

#include "isolator/compiler/evaluator.h"

using namespace sc::compiler;

namespace {
sock_filter S(uint16_t code, uint32_t k) { return BPF_STMT(code, k); }
sock_filter J(uint16_t code, uint32_t k, uint8_t jt, uint8_t jf) { return BPF_JUMP(code, k, jt, jf); }
constexpr uint32_t kNr = offsetof(seccomp_data, nr);
constexpr uint32_t kArch = offsetof(seccomp_data, arch);
constexpr uint32_t kArg0Lo = offsetof(seccomp_data, args[0]);
constexpr uint32_t kArg0Hi = offsetof(seccomp_data, args[0]) + 4;
constexpr uint32_t kIpLo = offsetof(seccomp_data, instruction_pointer);

SyscallData call(int nr, uint64_t arg0 = 0) {
  SyscallData d;
  d.nr = nr;
  d.arch = AUDIT_ARCH_X86_64;
  d.args[0] = arg0;
  return d;
}
}  // namespace

TEST(Evaluator, LoadsJumpsAndReturnsWithCounts) {
  std::vector<sock_filter> prog = {
      S(BPF_LD | BPF_W | BPF_ABS, kArch),
      J(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      S(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
      S(BPF_LD | BPF_W | BPF_ABS, kNr),
      J(BPF_JMP | BPF_JEQ | BPF_K, 63, 0, 1),
      S(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 38),
      S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
  };
  Evaluation uname = evaluate(prog, call(63));
  EXPECT_EQ(uname.ret, SECCOMP_RET_ERRNO | 38u);
  EXPECT_EQ(uname.instructions, 5u);
  EXPECT_EQ(evaluate(prog, call(0)).ret, SECCOMP_RET_ALLOW);
  EXPECT_EQ(evaluate(prog, call(0)).instructions, 5u);
  SyscallData i386 = call(63);
  i386.arch = AUDIT_ARCH_I386;
  Evaluation bad = evaluate(prog, i386);
  EXPECT_EQ(bad.ret, SECCOMP_RET_KILL_PROCESS);
  EXPECT_EQ(bad.instructions, 3u);
}

TEST(Evaluator, SixtyFourBitArgumentHalvesAndIp) {
  std::vector<sock_filter> prog = {
      S(BPF_LD | BPF_W | BPF_ABS, kArg0Hi),
      J(BPF_JMP | BPF_JEQ | BPF_K, 0x1, 0, 3),
      S(BPF_LD | BPF_W | BPF_ABS, kArg0Lo),
      J(BPF_JMP | BPF_JSET | BPF_K, 0x80, 0, 1),
      S(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
      S(BPF_LD | BPF_W | BPF_ABS, kIpLo),
      S(BPF_RET | BPF_A, 0),
  };
  EXPECT_EQ(evaluate(prog, call(0, 0x1'00000080ull)).ret, SECCOMP_RET_TRAP);
  SyscallData d = call(0, 0x1'00000001ull);
  d.instruction_pointer = SECCOMP_RET_LOG;
  EXPECT_EQ(evaluate(prog, d).ret, SECCOMP_RET_LOG);  // fell through to RET A = ip
  d.args[0] = 0x80;  // high word 0
  EXPECT_EQ(evaluate(prog, d).ret, SECCOMP_RET_LOG);
}

TEST(Evaluator, AluScratchMemoryAndIndexRegister) {
  std::vector<sock_filter> prog = {
      S(BPF_LD | BPF_W | BPF_ABS, kNr),     // A = nr
      S(BPF_ALU | BPF_ADD | BPF_K, 10),      // A = nr + 10
      S(BPF_ST, 3),                          // M[3] = A
      S(BPF_LDX | BPF_IMM, 3),               // X = 3
      S(BPF_ALU | BPF_MUL | BPF_X, 0),       // A *= 3
      S(BPF_ALU | BPF_SUB | BPF_K, 6),       // A -= 6
      S(BPF_ALU | BPF_DIV | BPF_K, 2),       // A /= 2
      S(BPF_ALU | BPF_LSH | BPF_K, 4),       // A <<= 4
      S(BPF_ALU | BPF_RSH | BPF_K, 2),       // A >>= 2
      S(BPF_ALU | BPF_OR | BPF_K, 0x100),
      S(BPF_ALU | BPF_AND | BPF_K, 0x1ff),
      S(BPF_ALU | BPF_XOR | BPF_K, 0x1),
      S(BPF_MISC | BPF_TAX, 0),              // X = A
      S(BPF_LD | BPF_MEM, 3),                // A = M[3]
      S(BPF_ALU | BPF_NEG, 0),
      S(BPF_ALU | BPF_NEG, 0),               // A = M[3] again
      S(BPF_STX, 4),                         // M[4] = X
      J(BPF_JMP | BPF_JGT | BPF_K, 11, 0, 1),
      S(BPF_LD | BPF_MEM, 4),
      S(BPF_ALU | BPF_OR | BPF_K, SECCOMP_RET_ERRNO),
      S(BPF_RET | BPF_A, 0),
  };
  // nr = 2: A = 12; 12*3-6 = 30; /2 = 15; <<4 = 240; >>2 = 60; |0x100 = 316; &0x1ff = 316; ^1 = 317.
  // M[3] = 12 > 11 -> A = M[4] = 317 -> ERRNO | 317.
  Evaluation e = evaluate(prog, call(2));
  EXPECT_EQ(e.ret, SECCOMP_RET_ERRNO | 317u);
  EXPECT_EQ(e.instructions, 21u);
  // nr = 1: M[3] = 11, not > 11: A stays 11 -> ERRNO | 11, one instruction fewer.
  Evaluation f = evaluate(prog, call(1));
  EXPECT_EQ(f.ret, SECCOMP_RET_ERRNO | 11u);
  EXPECT_EQ(f.instructions, 20u);
}

TEST(Evaluator, DivisionByZeroXReturnsZeroAsTheKernel) {
  std::vector<sock_filter> prog = {
      S(BPF_LD | BPF_IMM, 10), S(BPF_LDX | BPF_IMM, 0), S(BPF_ALU | BPF_DIV | BPF_X, 0),
      S(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  Evaluation e = evaluate(prog, call(0));
  EXPECT_EQ(e.ret, 0u);  // SECCOMP_RET_KILL_THREAD
  EXPECT_EQ(e.instructions, 3u);
}

TEST(Evaluator, RejectsWhatTheKernelRejects) {
  auto rejects = [](std::vector<sock_filter> prog) {
    EXPECT_THROW(evaluate(prog, call(0)), EvaluationError);
  };
  rejects({});                                                          // empty
  rejects({S(BPF_LD | BPF_W | BPF_ABS, 0)});                            // no RET at the end
  rejects({S(BPF_LD | BPF_W | BPF_ABS, 64), S(BPF_RET | BPF_K, 0)});    // beyond seccomp_data
  rejects({S(BPF_LD | BPF_W | BPF_ABS, 2), S(BPF_RET | BPF_K, 0)});     // unaligned
  rejects({S(BPF_LD | BPF_H | BPF_ABS, 0), S(BPF_RET | BPF_K, 0)});     // half-word load
  rejects({S(BPF_LD | BPF_W | BPF_IND, 0), S(BPF_RET | BPF_K, 0)});     // indirect load
  rejects({S(BPF_ALU | BPF_DIV | BPF_K, 0), S(BPF_RET | BPF_K, 0)});    // constant division by 0
  rejects({S(BPF_ALU | BPF_MOD | BPF_K, 3), S(BPF_RET | BPF_K, 0)});    // MOD not allowed
  rejects({J(BPF_JMP | BPF_JEQ | BPF_K, 0, 5, 0), S(BPF_RET | BPF_K, 0)});  // jump out of range
  rejects({S(BPF_JMP | BPF_JA, 1), S(BPF_RET | BPF_K, 0)});
  rejects({S(BPF_LD | BPF_MEM, 2), S(BPF_RET | BPF_K, 0)});             // reads unwritten M[2]
  rejects({S(BPF_ST, 16), S(BPF_RET | BPF_K, 0)});                      // M[16] out of range
  rejects({S(BPF_ALU | BPF_LSH | BPF_K, 32), S(BPF_RET | BPF_K, 0)});
  rejects(std::vector<sock_filter>(4097, S(BPF_RET | BPF_K, 0)));       // too long
  // Written on one path only: rejected like the kernel's check_load_and_stores().
  rejects({S(BPF_LD | BPF_W | BPF_ABS, kNr), J(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 1), S(BPF_ST, 1),
           S(BPF_LD | BPF_MEM, 1), S(BPF_RET | BPF_A, 0)});
}

TEST(Evaluator, StackedFiltersMostRestrictiveWinsNewestOnTies) {
  auto ret = [](uint32_t v) { return std::vector<sock_filter>{S(BPF_RET | BPF_K, v)}; };
  SyscallData d = call(0);
  EXPECT_EQ(evaluate_stack({}, d).ret, SECCOMP_RET_ALLOW);
  Evaluation e = evaluate_stack({ret(SECCOMP_RET_ALLOW), ret(SECCOMP_RET_ERRNO | 1), ret(SECCOMP_RET_LOG)}, d);
  EXPECT_EQ(e.ret, SECCOMP_RET_ERRNO | 1u);
  EXPECT_EQ(e.instructions, 3u);
  EXPECT_EQ(evaluate_stack({ret(SECCOMP_RET_TRAP), ret(SECCOMP_RET_KILL_PROCESS)}, d).ret, SECCOMP_RET_KILL_PROCESS);
  EXPECT_EQ(evaluate_stack({ret(SECCOMP_RET_KILL_THREAD), ret(SECCOMP_RET_TRAP)}, d).ret, SECCOMP_RET_KILL_THREAD);
  EXPECT_EQ(evaluate_stack({ret(SECCOMP_RET_USER_NOTIF), ret(SECCOMP_RET_TRACE | 3)}, d).ret, SECCOMP_RET_USER_NOTIF);
  // Same action, different data: the kernel walks newest first and keeps the first it saw.
  EXPECT_EQ(evaluate_stack({ret(SECCOMP_RET_ERRNO | 1), ret(SECCOMP_RET_ERRNO | 38)}, d).ret, SECCOMP_RET_ERRNO | 38u);
}
