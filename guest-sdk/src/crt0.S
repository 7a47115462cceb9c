/*
 * Guest entry point. The loader (the Prova emulator or qemu-user) has loaded the PT_LOAD segments,
 * zeroed .bss and set sp to a Linux initial stack (argc = 0, argv = NULL, envp = NULL, auxv).
 */
  .section .text._start, "ax", @progbits
  .globl _start
  .type _start, @function
_start:
  /* gp must be set without relaxation, otherwise the linker would make it gp-relative. */
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  /* The static TLS image is the only thread's TLS block (see prova.ld). */
  la tp, __tls_base
  /* a0 = argc, a1 = argv, a2 = envp, straight from the initial stack. */
  lw a0, 0(sp)
  addi a1, sp, 4
  slli a2, a0, 2
  add a2, a2, a1
  addi a2, a2, 4
  andi sp, sp, -16
  call __prova_start
  /* __prova_start never returns; trap rather than run off into whatever follows. */
  unimp
  .size _start, . - _start
