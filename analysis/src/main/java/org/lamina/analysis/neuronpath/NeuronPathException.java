package org.lamina.analysis.neuronpath;

/** Bad input to a neuron-path analysis (model without FFN points, bad parameters, empty class). */
public final class NeuronPathException extends IllegalArgumentException {

    public NeuronPathException(String message) {
        super(message);
    }
}
