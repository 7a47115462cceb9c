# Verifier-only link checks: prova_check_verifier_only(<target>) fails the configuration if
# prova_prover, prova_stark_prover or prova_vm is anywhere in the target's link closure (direct
# links, the interface links of every library reached, and static libraries' $<LINK_ONLY:...>
# dependencies).

function(prova_link_closure target out_var)
  set(seen "")
  set(queue ${target})
  while(queue)
    list(POP_FRONT queue item)
    # $<LINK_ONLY:x> is how static libraries list their private dependencies.
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.+)>$" "\\1" item "${item}")
    if(item IN_LIST seen OR NOT TARGET ${item})
      continue()
    endif()
    list(APPEND seen ${item})
    get_target_property(type ${item} TYPE)
    get_target_property(imported ${item} IMPORTED)
    set(deps "")
    if(NOT type STREQUAL "INTERFACE_LIBRARY" AND NOT imported)
      get_target_property(direct ${item} LINK_LIBRARIES)
      if(direct)
        list(APPEND deps ${direct})
      endif()
    endif()
    get_target_property(interface ${item} INTERFACE_LINK_LIBRARIES)
    if(interface)
      list(APPEND deps ${interface})
    endif()
    list(APPEND queue ${deps})
  endwhile()
  set(${out_var} ${seen} PARENT_SCOPE)
endfunction()

function(prova_check_verifier_only target)
  prova_link_closure(${target} closure)
  foreach(forbidden IN ITEMS prova_prover prova_stark_prover prova_vm)
    if(forbidden IN_LIST closure)
      message(FATAL_ERROR "${target} must link the verifier only, but its link closure contains "
                          "${forbidden}: ${closure}")
    endif()
  endforeach()
endfunction()
