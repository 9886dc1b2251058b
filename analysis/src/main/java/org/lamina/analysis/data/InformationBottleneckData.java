package org.lamina.analysis.data;

/**
 * The 12-bit data set of Shwartz-Ziv &amp; Tishby (2017), regenerated from its rule
 * (shared/specs/infoplane.md): X = all 4,096 12-bit patterns (row i = i, most significant bit
 * first); the bits are the vertices of an icosahedron; for a pattern with k ones, a = adjacent
 * pairs, c = antipodal pairs, b = other pairs among its ones; y = 1 iff
 * {@code 206k + 4a − 44b − 68c > 859}. This reproduces the original {@code var_u.mat}:
 * 2,118 positives, H(Y) = 0.99916 bits.
 */
public final class InformationBottleneckData {

    /** Number of patterns. */
    public static final int SIZE = 4096;
    /** Bits per pattern. */
    public static final int BITS = 12;

    private static final int[][] NEIGHBOURS = {
        {1, 3, 5, 10, 11}, {0, 2, 3, 4, 11}, {1, 3, 4, 8, 9}, {0, 1, 2, 8, 10}, {1, 2, 6, 9, 11}, {0, 6, 7, 10, 11},
        {4, 5, 7, 9, 11}, {5, 6, 8, 9, 10}, {2, 3, 7, 9, 10}, {2, 4, 6, 7, 8}, {0, 3, 5, 7, 8}, {0, 1, 4, 5, 6},
    };
    private static final int[][] ANTIPODAL = {{0, 9}, {1, 7}, {2, 5}, {3, 6}, {4, 10}, {8, 11}};

    private InformationBottleneckData() {
    }

    /** Bit j (0 = most significant) of pattern i. */
    public static int bit(int i, int j) {
        return (i >> (BITS - 1 - j)) & 1;
    }

    /** Inputs as 0/1 floats, {@code [4096 * 12]} row-major. */
    public static float[] inputs() {
        float[] x = new float[SIZE * BITS];
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < BITS; j++) {
                x[i * BITS + j] = bit(i, j);
            }
        }
        return x;
    }

    /** Labels y ∈ {0, 1} per the rule. */
    public static int[] labels() {
        boolean[][] adjacent = new boolean[BITS][BITS];
        for (int v = 0; v < BITS; v++) {
            for (int w : NEIGHBOURS[v]) {
                adjacent[v][w] = true;
            }
        }
        boolean[][] antipodal = new boolean[BITS][BITS];
        for (int[] p : ANTIPODAL) {
            antipodal[p[0]][p[1]] = true;
            antipodal[p[1]][p[0]] = true;
        }
        int[] y = new int[SIZE];
        for (int i = 0; i < SIZE; i++) {
            int k = 0;
            int a = 0;
            int b = 0;
            int c = 0;
            for (int u = 0; u < BITS; u++) {
                if (bit(i, u) == 0) {
                    continue;
                }
                k++;
                for (int v = u + 1; v < BITS; v++) {
                    if (bit(i, v) == 0) {
                        continue;
                    }
                    if (adjacent[u][v]) {
                        a++;
                    } else if (antipodal[u][v]) {
                        c++;
                    } else {
                        b++;
                    }
                }
            }
            y[i] = 206 * k + 4 * a - 44 * b - 68 * c > 859 ? 1 : 0;
        }
        return y;
    }
}
