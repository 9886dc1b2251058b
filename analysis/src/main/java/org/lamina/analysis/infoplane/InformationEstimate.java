package org.lamina.analysis.infoplane;

/**
 * One point of the information plane, in bits.
 *
 * @param ixt      I(X;T) (for KDE: the upper bound)
 * @param ity      I(T;Y)
 * @param ixtLower a lower bound on I(X;T) where the estimator gives one (KDE), else NaN
 */
public record InformationEstimate(double ixt, double ity, double ixtLower) {

    /** An estimate without a separate lower bound. */
    public static InformationEstimate of(double ixt, double ity) {
        return new InformationEstimate(ixt, ity, Double.NaN);
    }
}
