/// Where a ViT encoder block's first residual branches off (config key `residual`).
///
/// - `seed003`: `x = norm_1(x); _x, att = mha(x); x = _x + x`: `x` is overwritten, so the residual adds the
///   NORMALIZED input (seed 003's `encoder_block.forward`).
/// - `prenorm`: `_x = norm_1(x); _x, att = mha(_x); x = _x + x`: the standard pre-norm block (other copies).
///
/// The second residual is the same in both: `x = mlp(norm_2(x)) + x`.
public enum ViTResidual: String, Sendable, CaseIterable {
    case seed003
    case prenorm
}
