/// Replays of boostcamp's adversarial autoencoder notebook (NOTEBOOKS.md section 4; docs/replays/adversarial_autoencoder.md).
public enum AdversarialAutoencoderReplays {
    public static let all: [any Replay.Type] = [
        AAEEncoderReplay.self, AAEDecoderReplay.self, AAEDiscriminatorReplay.self,
        AAEBinaryCrossEntropyReplay.self, AAEL1LossReplay.self, AAETrainStepReplay.self, AAETrainReplay.self,
    ]
}
