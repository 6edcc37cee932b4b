//===- BuildLoopModel.h - From annotated loops in the AST to LoopModels ---===//
#ifndef WEFT_FRONTEND_BUILDLOOPMODEL_H
#define WEFT_FRONTEND_BUILDLOOPMODEL_H

#include "LoopModel.h"

#include <vector>

namespace clang {
class ASTContext;
}

namespace weft {

/// Attaches every `#pragma weft` of the main file to the loop statement that follows it
/// and builds that loop's model. A pragma that is not followed by a for loop, or that
/// sits outside a function body, is an error reported through the context's diagnostics
/// (the caller checks hasErrorOccurred()); one in a template is a warning. No model is
/// built for either. An annotated loop inside another one gets its model too, with
/// LoopModel::enclosing naming the innermost annotated loop around it.
std::vector<LoopModel> build_loop_models(clang::ASTContext &context,
                                         const std::vector<Pragma> &pragmas);

/// Warns at each append to a file and each read of standard input in the main file's
/// serial code when it has annotated loops: every process of the parallel program
/// appends, and only one receives the input (SerialIO.cpp).
void warn_serial_io(clang::ASTContext &context, const std::vector<LoopModel> &models);

} // namespace weft

#endif // WEFT_FRONTEND_BUILDLOOPMODEL_H
