package org.lamina.analysis.infoplane;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.lamina.analysis.model.djl.Mlp;

import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Binning by count against the reference code's estimator (issue #22, "Information plane"): the
 * golden values below were printed by {@code /usr/bin/python3 tools/fixtures/infoplane_binning_fixture.py}
 * (numpy 1.24), a numpy reimplementation of artemyk/ibsgd's {@code simplebinmi.py}
 * ({@code bins[np.digitize(a, bins) − 1]} with float32 {@code linspace(−1, 1, bins)} edges, unique rows,
 * plug-in entropy) and of Lamina's clamp rule on the same edges. The arrays hold saturated softmax
 * outputs (exactly 1.0), ReLU values at and above 1, linear values below −1 and values equal to
 * float32 edges.
 */
class IdnnBinningTest {

    // softmax: n = 16, d = 2
    private static final float[] SOFTMAX = {1.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 1.0f, 0.0f, 1.0f, 0.9998999834060669f, 0.00010001659393310547f, 0.9900000095367432f, 0.009999990463256836f, 0.9700000286102295f, 0.029999971389770508f, 0.5f, 0.5f, 0.029999999329447746f, 0.9700000286102295f, 9.999999747378752e-05f, 0.9998999834060669f, 1.0f, 0.0f, 0.9599999785423279f, 0.04000002145767212f, 0.019999999552965164f, 0.9800000190734863f, 0.9990000128746033f, 0.0009999871253967285f, 0.0f, 1.0f};
    private static final int[] SOFTMAX_Y = {0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0};
    // relu: n = 24, d = 3
    private static final float[] RELU = {1.0f, 0.0f, 0.0f, 0.03958316892385483f, 1.0f, 0.0f, 1.4495725631713867f, 1.7362247705459595f, 0.2800854444503784f, 0.0f, 1.0249031782150269f, 1.6931018829345703f, 2.539978265762329f, 1.40263032913208f, 2.0344583988189697f, 0.19473758339881897f, 0.0f, 0.0f, 0.0f, 0.27290964126586914f, 0.7736952304840088f, 0.0f, 1.3344773054122925f, 0.5072559714317322f, 0.022019032388925552f, 0.0f, 2.418619394302368f, 0.7523055076599121f, 0.0f, 0.0f, 2.254041910171509f, 0.07948419451713562f, 1.6698336601257324f, 1.8809465169906616f, 0.0f, 1.8158774375915527f, 0.412411093711853f, 0.0f, 0.11054179817438126f, 1.1048061847686768f, 0.9365789294242859f, 0.9829627275466919f, 0.0f, 1.7511754035949707f, 1.9519174098968506f, 2.250657320022583f, 1.5004163980484009f, 2.3048830032348633f, 2.48453426361084f, 1.233830451965332f, 1.3930459022521973f, 1.123988151550293f, 1.0962820053100586f, 1.3769201040267944f, 0.0f, 0.30858147144317627f, 1.0390710830688477f, 0.0f, 0.0f, 2.026048421859741f, 0.0f, 0.18208742141723633f, 0.9376072287559509f, 0.17161661386489868f, 0.0f, 0.13553740084171295f, 0.21462222933769226f, 0.07817268371582031f, 0.7641277313232422f, 2.048833131790161f, 0.9206742644309998f, 2.062326192855835f};
    private static final int[] RELU_Y = {0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0};
    // linear: n = 20, d = 2
    private static final float[] LINEAR = {-1.0f, -0.517241358757019f, 0.03448275849223137f, 1.0f, -1.2999999523162842f, 1.2999999523162842f, 1.2999999523162842f, -1.2999999523162842f, -0.5862510204315186f, -0.6467898488044739f, 0.9369120001792908f, 0.7984346747398376f, 0.7420491576194763f, -1.2070330381393433f, 1.4950995445251465f, 0.410586416721344f, -0.11234715580940247f, 1.3211499452590942f, -1.2425330877304077f, -0.6358597874641418f, -1.141849398612976f, -0.5521095991134644f, 0.9176918268203735f, -1.1205799579620361f, 0.8362909555435181f, 0.3136545717716217f, -0.545283854007721f, 1.1192233562469482f, -1.4639873504638672f, -0.8206703662872314f, 0.0007542070816271007f, -0.31924858689308167f, -0.3687823712825775f, 1.5909662246704102f, 0.15690159797668457f, 0.5157102942466736f, -0.14131610095500946f, -0.9642232060432434f, -1.267149567604065f, 0.8178734183311462f};
    private static final int[] LINEAR_Y = {0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};

    static Stream<Arguments> golden() {
        Object[][] rows = {
            // bins 30: idnn I(X;T) 2.4056390622295667, I(T;Y) 0.14603823253455728; clamp I(X;T) 1.5306390622295665, I(T;Y) 0.1153991703049908; difference +0.8750 / +0.0306 bits
            {"softmax", 30, 2.4056390622295667, 0.14603823253455728, 1.5306390622295665, 0.1153991703049908},
            // bins 10: idnn I(X;T) 2.1800365325772657, I(T;Y) 0.12325523399703986; clamp I(X;T) 1.2475562489182657, I(T;Y) 0.09117319762345844; difference +0.9325 / +0.0321 bits
            {"softmax", 10, 2.1800365325772657, 0.12325523399703986, 1.2475562489182657, 0.09117319762345844},
            // bins 30: idnn I(X;T) 4.084962500721157, I(T;Y) 0.6682958340544904; clamp I(X;T) 3.9345608142862893, I(T;Y) 0.6326811268764341; difference +0.1504 / +0.0356 bits
            {"relu", 30, 4.084962500721157, 0.6682958340544904, 3.9345608142862893, 0.6326811268764341},
            // bins 10: idnn I(X;T) 4.001629167387824, I(T;Y) 0.5849625007211574; clamp I(X;T) 3.605388542207534, I(T;Y) 0.5016291673878235; difference +0.3962 / +0.0833 bits
            {"relu", 10, 4.001629167387824, 0.5849625007211574, 3.605388542207534, 0.5016291673878235},
            // bins 30: idnn I(X;T) 4.221928094887363, I(T;Y) 0.9340680553754908; clamp I(X;T) 4.321928094887363, I(T;Y) 0.9340680553754908; difference -0.1000 / +0.0000 bits
            {"linear", 30, 4.221928094887363, 0.9340680553754908, 4.321928094887363, 0.9340680553754908},
            // bins 10: idnn I(X;T) 4.121928094887363, I(T;Y) 0.9340680553754912; clamp I(X;T) 3.9219280948873627, I(T;Y) 0.7340680553754906; difference +0.2000 / +0.2000 bits
            {"linear", 10, 4.121928094887363, 0.9340680553754912, 3.9219280948873627, 0.7340680553754906},
        };
        return Stream.of(rows).map(Arguments::of);
    }

    private static final Map<String, float[]> ARRAYS = Map.of("softmax", SOFTMAX, "relu", RELU, "linear", LINEAR);
    private static final Map<String, int[]> LABELS = Map.of("softmax", SOFTMAX_Y, "relu", RELU_Y, "linear", LINEAR_Y);
    private static final Map<String, Integer> WIDTHS = Map.of("softmax", 2, "relu", 3, "linear", 2);

    @ParameterizedTest(name = "{0}, {1} edges")
    @MethodSource("golden")
    void bothRulesAgreeWithTheNumpyReference(String name, int bins, double idnnIxt, double idnnIty, double clampIxt,
                                             double clampIty) {
        float[] t = ARRAYS.get(name);
        int d = WIDTHS.get(name);
        int[] y = LABELS.get(name);
        InformationEstimate idnn = BinningEstimator.byCount(bins, CountBinning.IDNN).estimate(t, t.length / d, d, y);
        assertThat(idnn.ixt()).isCloseTo(idnnIxt, within(1e-12));
        assertThat(idnn.ity()).isCloseTo(idnnIty, within(1e-12));
        InformationEstimate clamp = BinningEstimator.byCount(bins, CountBinning.CLAMP).estimate(t, t.length / d, d, y);
        assertThat(clamp.ixt()).isCloseTo(clampIxt, within(1e-12));
        assertThat(clamp.ity()).isCloseTo(clampIty, within(1e-12));
    }

    @Test
    void theIdnnRuleGivesValuesFromOneUpTheirOwnSymbolAndWrapsValuesBelowMinusOneOntoIt() {
        BinningEstimator idnn = BinningEstimator.byCount(30, CountBinning.IDNN);
        // 29 cells on [−1, 1) are 0 … 28; index 29 is the reference's bins[-1] = 1.0
        assertThat(idnn.cells(new float[] {-5f, -1f, -0.99f, 0.999f, 1f, 7f})).containsExactly(29, 0, 0, 28, 29, 29);
        BinningEstimator clamp = BinningEstimator.byCount(30, CountBinning.CLAMP);
        assertThat(clamp.cells(new float[] {-5f, -1f, -0.99f, 0.999f, 1f, 7f})).containsExactly(0, 0, 0, 28, 28, 28);
        // the rule without a name is the reference's
        assertThat(BinningEstimator.byCount(30).cells(new float[] {-5f, 1f})).containsExactly(29, 29);
        assertThat(idnn.parameters()).containsEntry("binning", "idnn");
        assertThat(clamp.parameters()).containsEntry("binning", "clamp");
    }

    @Test
    void theEdgesAreNumpysFloat32Linspace() {
        // np.linspace(-1, 1, 30, dtype='float32')[[0, 7, 15, 29]]
        assertThat(BinningEstimator.edges(30)).startsWith(-1f).endsWith(1f);
        assertThat(BinningEstimator.edges(30)[7]).isEqualTo(-0.517241358757019f);
        assertThat(BinningEstimator.edges(30)[15]).isEqualTo(0.03448275849223137f);
    }

    @Test
    void parametersDefaultToIdnnAndOldSessionsReadAsClamp() {
        InfoPlaneParameters d = InfoPlaneParameters.defaults();
        assertThat(d.binning()).isEqualTo(CountBinning.IDNN);
        assertThat(InfoPlaneParameters.fromMap(d.toMap())).isEqualTo(d);
        assertThat(d.toMap()).containsEntry("binning", "idnn");
        Map<String, Object> old = new java.util.LinkedHashMap<>(d.toMap());
        old.remove("binning");
        assertThat(InfoPlaneParameters.fromMap(old).binning()).isEqualTo(CountBinning.CLAMP);
        Map<String, Object> bad = new java.util.LinkedHashMap<>(d.toMap());
        bad.put("binning", "wrap");
        assertThatThrownBy(() -> InfoPlaneParameters.fromMap(bad)).hasMessageContaining("binning must be idnn or clamp");
        assertThat(d.withBinning(CountBinning.CLAMP).createEstimator().parameters()).containsEntry("binning", "clamp");
    }

    @Test
    void unboundedActivationsDefaultToBinningBySize() {
        InfoPlaneData.DataChoice ib = InfoPlaneData.DataChoice.IB;
        assertThat(InfoPlaneParameters.defaultEstimator(Mlp.Kind.TANH, ib)).isEqualTo("binning");
        assertThat(InfoPlaneParameters.defaultEstimator(Mlp.Kind.SIGMOID, ib)).isEqualTo("binning");
        assertThat(InfoPlaneParameters.defaultEstimator(Mlp.Kind.RELU, ib)).isEqualTo("binsize");
        assertThat(InfoPlaneParameters.defaultEstimator(Mlp.Kind.LINEAR, ib)).isEqualTo("binsize");
        InfoPlaneParameters relu = InfoPlaneParameters.defaults().withActivation(Mlp.Kind.RELU);
        assertThat(relu.countBinningWarning()).contains("unbounded", "binsize or kde");
        assertThat(relu.estimatorChoice()).isEqualTo(relu.countBinningWarning());
        assertThat(relu.withEstimator("binsize").countBinningWarning()).isNull();
        assertThat(relu.withEstimator("binsize").estimatorChoice()).startsWith("binsize: the default for relu");
        assertThat(InfoPlaneParameters.defaults().countBinningWarning()).isNull();
    }
}
