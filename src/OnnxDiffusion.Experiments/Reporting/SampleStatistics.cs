namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>Rank correlation for the report's trend evidence (the replicate statistics live in <c>Statistics/</c>).</summary>
internal static class SampleStatistics
{
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
