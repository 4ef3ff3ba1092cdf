#include "mil/text.hpp"
