// The specs of the locomotion tasks, one file each (hopper.cpp, walker2d.cpp, half_cheetah.cpp).
// Only the env registry (envs/registry.cpp) calls these; everything else asks the registry.
#pragma once

#include "envs/locomotion_env.h"

namespace mindt::envs {

// D4RL's dynamics (gym v2/v3, which gymnasium's v4 keeps).
LocomotionSpec hopper_spec();
LocomotionSpec walker2d_spec();
LocomotionSpec half_cheetah_spec();

// gymnasium's v5, which Minari's datasets were collected in: the healthy reward is paid only while
// healthy (Hopper, Walker2d), and Walker2d's right foot has the left foot's friction (1.9).
// HalfCheetah-v5 simulates and rewards exactly as v4.
LocomotionSpec hopper_v5_spec();
LocomotionSpec walker2d_v5_spec();
LocomotionSpec half_cheetah_v5_spec();

}  // namespace mindt::envs
