// The specs of the locomotion tasks, one file each (hopper.cpp, walker2d.cpp, half_cheetah.cpp).
// Only the env registry (envs/registry.cpp) calls these; everything else asks the registry.
#pragma once

#include "envs/locomotion_env.h"

namespace mindt::envs {

LocomotionSpec hopper_spec();
LocomotionSpec walker2d_spec();
LocomotionSpec half_cheetah_spec();

}  // namespace mindt::envs
