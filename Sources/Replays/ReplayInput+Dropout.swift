public import Tensors

extension ReplayInput {
    /// The recorded dropout mask `name` under the one rule of docs/FIXTURES.md "Dropout": a case records a mask
    /// exactly when the layer ran in train mode with `p > 0` (`on`); with `p = 0` or in eval mode dropout is the
    /// identity, no mask is recorded and none is accepted.
    ///
    /// Returns the mask (bool or uint8, 1 = kept) when `on`, nil otherwise. Throws when `on` and the case has no
    /// such input, or when not `on` and the case records one anyway.
    public func dropoutMask(_ name: String, on: Bool) throws(ReplayError) -> Tensor<Bool>? {
        switch (on, has(name)) {
        case (true, true): return try mask(name)
        case (false, false): return nil
        case (true, false):
            throw ReplayError("dropout is on (train with p > 0), but the case records no '\(name)' mask")
        case (false, true):
            throw ReplayError("the case records '\(name)', but dropout is off (eval mode or p = 0): no mask is accepted")
        }
    }
}
