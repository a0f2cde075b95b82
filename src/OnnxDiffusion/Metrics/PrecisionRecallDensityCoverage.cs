namespace OnnxDiffusion.Metrics;

/// <summary>Naeem et al. (2020) fidelity and diversity of a fake set against a real one.</summary>
/// <param name="Precision">Share of fake samples inside at least one real k-NN ball.</param>
/// <param name="Recall">Share of real samples inside at least one fake k-NN ball.</param>
/// <param name="Density">Mean number of real balls holding a fake sample, divided by k (≈ 1 for matching sets).</param>
/// <param name="Coverage">Share of real samples whose own ball holds at least one fake sample.</param>
public sealed record PrdcResult(double Precision, double Recall, double Density, double Coverage)
{
    /// <summary>
    /// Computes the four metrics with k-NN radii (self excluded). Ball membership uses ≤, so identical sets give
    /// precision = recall = coverage = 1 exactly.
    /// </summary>
    public static PrdcResult Compute(FeatureSet real, FeatureSet fake, int k = 5) => Compute(real, real.KthNeighbourRadii(k), fake, k);

    /// <summary>As <see cref="Compute(FeatureSet, FeatureSet, int)"/> with the real radii computed beforehand (they are the costly part).</summary>
    public static PrdcResult Compute(FeatureSet real, float[] realRadii, FeatureSet fake, int k)
    {
        if (real.Dimension != fake.Dimension)
            throw new ArgumentException($"feature dimensions differ: {real.Dimension} vs {fake.Dimension}");
        var fakeRadii = fake.KthNeighbourRadii(k);
        int n = real.Count, m = fake.Count;
        var fakeInRealBalls = new int[m];      // how many real balls contain fake j
        var realCovered = new bool[n];        // real i's own ball contains some fake
        var realInFakeBalls = new bool[n];    // real i lies in some fake ball
        Parallel.For(0, n, i =>
        {
            bool covered = false, inFake = false;
            for (int j = 0; j < m; j++)
            {
                float d = real.Distance(i, fake, j);
                if (d <= realRadii[i])
                {
                    covered = true;
                    Interlocked.Increment(ref fakeInRealBalls[j]);
                }
                if (!inFake && d <= fakeRadii[j])
                    inFake = true;
            }
            realCovered[i] = covered;
            realInFakeBalls[i] = inFake;
        });
        double precision = fakeInRealBalls.Count(c => c > 0) / (double)m;
        double density = fakeInRealBalls.Sum(c => (long)c) / ((double)k * m);
        double recall = realInFakeBalls.Count(b => b) / (double)n;
        double coverage = realCovered.Count(b => b) / (double)n;
        return new PrdcResult(precision, recall, density, coverage);
    }
}
