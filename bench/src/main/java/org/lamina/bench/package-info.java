/**
 * JMH benchmarks. Each case is one Java class here plus one Python file in {@code bench/python/}
 * doing the same work the way a researcher would in PyTorch; {@code bench/compare.sh NAME} runs
 * both alternately with the same thread count and prints the ratio Python/Java.
 */
package org.lamina.bench;
