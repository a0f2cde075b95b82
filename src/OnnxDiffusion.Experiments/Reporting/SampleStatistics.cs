namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>The few summary statistics the report needs, with NaN where a value is undefined.</summary>
internal static class SampleStatistics
{
    public static double Mean(IReadOnlyList<double> xs) => xs.Count == 0 ? double.NaN : xs.Average();

    /// <summary>Sample standard deviation (n − 1); NaN for fewer than two values, since one seed says nothing about spread.</summary>
    public static double StandardDeviation(IReadOnlyList<double> xs)
    {
        if (xs.Count < 2)
            return double.NaN;
        double m = xs.Average();
        double ss = 0;
        foreach (var x in xs)
            ss += (x - m) * (x - m);
        return Math.Sqrt(ss / (xs.Count - 1));
    }

    /// <summary>Pooled standard deviation of two groups; NaN when either group has no spread estimate.</summary>
    public static double PooledStandardDeviation(int n1, double sd1, int n2, double sd2)
    {
        if (n1 < 2 || n2 < 2 || double.IsNaN(sd1) || double.IsNaN(sd2))
            return double.NaN;
        return Math.Sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / (n1 + n2 - 2));
    }

    /// <summary>Spearman rank correlation (average ranks for ties); NaN when either side is constant or has fewer than two points.</summary>
    public static double Spearman(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        if (xs.Count != ys.Count)
            throw new ArgumentException($"Spearman: {xs.Count} x values but {ys.Count} y values");
        if (xs.Count < 2)
            return double.NaN;
        return Pearson(Ranks(xs), Ranks(ys));
    }

    private static double[] Ranks(IReadOnlyList<double> xs)
    {
        var order = Enumerable.Range(0, xs.Count).OrderBy(i => xs[i]).ToArray();
        var ranks = new double[xs.Count];
        for (int i = 0; i < order.Length;)
        {
            int j = i;
            while (j + 1 < order.Length && xs[order[j + 1]] == xs[order[i]])
                j++;
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++)
                ranks[order[k]] = rank;
            i = j + 1;
        }
        return ranks;
    }

    private static double Pearson(double[] a, double[] b)
    {
        double ma = a.Average(), mb = b.Average();
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return saa == 0 || sbb == 0 ? double.NaN : sab / Math.Sqrt(saa * sbb);
    }
}
