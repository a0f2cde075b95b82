namespace OnnxDiffusion.Metrics;

/// <summary>Naeem et al. (2020) fidelity and diversity of a fake set against a real one.</summary>
/// <param name="Precision">Share of fake samples inside at least one real k-NN ball.</param>
/// <param name="Recall">Share of real samples inside at least one fake k-NN ball.</param>
/// <param name="Density">Mean number of real balls holding a fake sample, divided by k (≈ 1 for matching sets).</param>
/// <param name="Coverage">Share of real samples whose own ball holds at least one fake sample.</param>
public sealed record PrdcResult(double Precision, double Recall, double Density, double Coverage)
{
    /// <summary>
    /// Computes the four metrics with k-NN radii (self excluded). Ball membership uses ≤ on squared distances from one
    /// blocked routine, so identical sets give precision = recall = coverage = 1 exactly.
    /// </summary>
    public static PrdcResult Compute(FeatureSet real, FeatureSet fake, int k = 5) => Compute(real, real.KthNeighbourSquaredRadii(k), fake, k);

    /// <summary>
    /// As <see cref="Compute(FeatureSet, FeatureSet, int)"/> with the real squared radii computed beforehand (they are the
    /// costly part).
    /// </summary>
    public static PrdcResult Compute(FeatureSet real, double[] realSquaredRadii, FeatureSet fake, int k) =>
        Compute(real, realSquaredRadii, fake, fake.KthNeighbourSquaredRadii(k), k);

    /// <summary>As above with the fake squared radii computed beforehand too (a fake set compared with several draws).</summary>
    public static PrdcResult Compute(FeatureSet real, double[] realSquaredRadii, FeatureSet fake, double[] fakeSquaredRadii, int k)
    {
        if (real.Dimension != fake.Dimension)
            throw new ArgumentException($"feature dimensions differ: {real.Dimension} vs {fake.Dimension}");
        if (realSquaredRadii.Length != real.Count || fakeSquaredRadii.Length != fake.Count)
            throw new ArgumentException($"{realSquaredRadii.Length} and {fakeSquaredRadii.Length} radii for {real.Count} real and {fake.Count} fake samples");
        var fakeRadii = fakeSquaredRadii;
        int n = real.Count, m = fake.Count;
        var fakeInRealBalls = new int[m];      // how many real balls contain fake j
        var realCovered = new bool[n];         // real i's own ball contains some fake
        var realInFakeBalls = new bool[n];     // real i lies in some fake ball
        // Fakes are the queries, so each fake's ball count has one owner per tile; the real-side flags are only ever set to
        // true, so threads setting the same one race harmlessly.
        DistanceScan.Run(new DoubleRows(fake), real, (j0, rows, i0, cols, tile) =>
        {
            for (int r = 0; r < rows; r++)
            {
                int j = j0 + r, inBalls = 0;
                double fakeRadius = fakeRadii[j];
                var row = tile.Slice(r * cols, cols);
                for (int c = 0; c < cols; c++)
                {
                    double d = row[c];
                    if (d <= realSquaredRadii[i0 + c])
                    {
                        inBalls++;
                        realCovered[i0 + c] = true;
                    }
                    if (d <= fakeRadius)
                        realInFakeBalls[i0 + c] = true;
                }
                fakeInRealBalls[j] += inBalls;
            }
        });
        double precision = fakeInRealBalls.Count(c => c > 0) / (double)m;
        double density = fakeInRealBalls.Sum(c => (long)c) / ((double)k * m);
        double recall = realInFakeBalls.Count(b => b) / (double)n;
        double coverage = realCovered.Count(b => b) / (double)n;
        return new PrdcResult(precision, recall, density, coverage);
    }
}
