using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class PairwiseProductsTests
{
    private static double[] Rows(int n, int d, int seed)
    {
        var rng = new Random(seed);
        var x = new double[n * d];
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(rng.NextDouble() * 4 - 2);
        return x;
    }

    private static double NaiveDot(double[] a, int i, double[] b, int j, int d)
    {
        double s = 0;
        for (int k = 0; k < d; k++)
            s += a[i * d + k] * b[j * d + k];
        return s;
    }

    [Theory]
    [InlineData(9, 7, 1)]
    [InlineData(13, 70, 6)]
    [InlineData(67, 5, 128)]
    [InlineData(8, 131, 131)]
    public void ProductsMatchTheFloat64SumAndThePerPairOrderBitForBit(int na, int nb, int d)
    {
        // Sizes off the 4 × 4 tile and the 64-row block, and dimensions off the 4 lanes, reach every edge path.
        var a = Rows(na, d, 1);
        var b = Rows(nb, d, 2);
        const int stride = 140;
        var dest = new double[(na - 1) * stride + nb];
        PairwiseProducts.Products(a, b, d, dest, stride);
        for (int i = 0; i < na; i++)
            for (int j = 0; j < nb; j++)
            {
                double got = dest[i * stride + j], exact = NaiveDot(a, i, b, j, d);
                Assert.Equal(exact, got, 1e-12 * d * 4);
                Assert.Equal(PairwiseProducts.Dot(a.AsSpan(i * d, d), b.AsSpan(j * d, d)), got);
            }
    }

    [Fact]
    public void ACopyIsAtDistanceZeroExactlyAndOthersMatchTheDirectDifference()
    {
        const int d = 37;
        var a = Rows(11, d, 3);
        var b = new double[a.Length];
        a.CopyTo(b, 0);
        Array.Reverse(b);   // every row's copy is elsewhere, and reversed rows are new rows
        var both = a.Concat(b).ToArray();
        var norms = PairwiseProducts.SquaredNorms(both, d);
        var dest = new double[22 * 22];
        PairwiseProducts.SquaredDistances(both, norms, both, norms, d, dest, 22);
        for (int i = 0; i < 22; i++)
            for (int j = 0; j < 22; j++)
            {
                double direct = 0;
                for (int k = 0; k < d; k++)
                    direct += (both[i * d + k] - both[j * d + k]) * (both[i * d + k] - both[j * d + k]);
                if (i == j)
                    Assert.Equal(0.0, dest[i * 22 + j]);
                else
                    Assert.Equal(direct, dest[i * 22 + j], 1e-12 * norms[i] + 1e-12 * norms[j]);
            }
    }

    [Fact]
    public void KthRadiiMatchASortedFloat64Row()
    {
        // 300 rows cross no block edge of the scan; 2,100 rows cross a pool block (2,048) and many query blocks (64).
        foreach (int n in new[] { 300, 2100 })
        {
            const int d = 5, k = 3;
            var values = PrdcTests.Gaussian(n, d, 7);
            // Duplicates: row 1 repeats row 0, so their first neighbour is at 0.
            Array.Copy(values, 0, values, d, d);
            var set = new FeatureSet(values, d);
            var radii = set.KthNeighbourSquaredRadii(k);
            for (int i = 0; i < n; i += 97)
            {
                var row = Enumerable.Range(0, n).Where(j => j != i).Select(j =>
                {
                    double s = 0;
                    for (int c = 0; c < d; c++)
                        s += ((double)values[i * d + c] - values[j * d + c]) * ((double)values[i * d + c] - values[j * d + c]);
                    return s;
                }).Order().ToArray();
                Assert.Equal(row[k - 1], radii[i], 1e-12);
            }
            Assert.Equal(0.0, set.KthNeighbourSquaredRadii(1)[0]);
        }
    }
}
