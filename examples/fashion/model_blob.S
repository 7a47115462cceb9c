/* The compiled model linked into the image (weights-in-image mode): PROVA_NN_MODEL_FILE is the
   .pvm path, set by CMakeLists.txt. 4-byte aligned because the interpreter reads it in place. */
  .section .rodata.prova_nn_model, "a"
  .balign 4
  .global prova_nn_model_start
prova_nn_model_start:
  .incbin PROVA_NN_MODEL_FILE
  .global prova_nn_model_end
prova_nn_model_end:
