// `seccomp-audit report --shadow=NAME` as Markdown or HTML: the judgement of
// audit/refine/shadow_readiness.h (classes and readiness), every recorded string escaped.
#pragma once

#include <string>

#include "audit/refine/shadow_readiness.h"

namespace sc::report {

std::string render_shadow_markdown(const refine::ShadowReport& report);
std::string render_shadow_html(const refine::ShadowReport& report);

}  // namespace sc::report
