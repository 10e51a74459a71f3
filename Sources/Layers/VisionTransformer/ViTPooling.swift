/// How the ViT reduces the encoder's tokens to one vector (config key `pooling`).
///
/// - `cls`: the class token's output, `x[:, 0, :]` (seed 003).
/// - `mean`: the mean over every token, `x.mean(dim=1)` (other copies).
public enum ViTPooling: String, Sendable, CaseIterable {
    case cls
    case mean
}
