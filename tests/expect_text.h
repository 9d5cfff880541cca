// EXPECT_HAS(text, part): the text contains the part; prints the whole text when it does not.
#pragma once

#include <gtest/gtest.h>

#define EXPECT_HAS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "in: " << (text)
