package org.lamina.analysis.featurestore;

/** A feature store that cannot be written, read or used as asked; the message names the store and the fault. */
public class FeatureStoreException extends IllegalArgumentException {

    public FeatureStoreException(String message) {
        super(message);
    }

    public FeatureStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
