package org.lamina.analysis.infoplane;

/** Training produced NaN or infinite values (loss or activations); the run stops and says where. */
public final class TrainingDivergedException extends IllegalStateException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
