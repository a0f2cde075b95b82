using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// The real side of KID, shared by every set measured against it: its rows in float64, and per class make-up of the
/// subsets the subset indices and their within-set kernel sums (the real set's part of the cost, paid once).
/// </summary>
public sealed class KidReference
{
    private readonly Dictionary<string, (int[][] Indices, double[] Sums)> _byStrata = [];
    private readonly Lock _gate = new();
    private readonly int[] _labels;

    /// <summary>Prepares <paramref name="real"/> (labels optional: without them, one class).</summary>
    public KidReference(FeatureSet real, IReadOnlyList<int>? labels = null, int subsets = KidResult.DefaultSubsets,
        int maxSubsetSize = KidResult.DefaultSubsetSize, ulong seed = 0)
    {
        if (subsets < 1)
            throw new ArgumentOutOfRangeException(nameof(subsets), subsets, "expected ≥ 1 subset");
        if (maxSubsetSize < 2)
            throw new ArgumentOutOfRangeException(nameof(maxSubsetSize), maxSubsetSize, "expected a subset size ≥ 2");
        Rows = new DoubleRows(real);
        _labels = LabelsOrZero(labels, Rows.Count);
        Subsets = subsets;
        MaxSubsetSize = maxSubsetSize;
        Seed = seed;
    }

    /// <summary>The real rows.</summary>
    public DoubleRows Rows { get; }

    /// <summary>Number of subsets.</summary>
    public int Subsets { get; }

    /// <summary>Largest subset size asked for (the subsets are smaller when either set is).</summary>
    public int MaxSubsetSize { get; }

    /// <summary>Seed of the subsets.</summary>
    public ulong Seed { get; }

    /// <summary>
    /// Images per class in every subset for a fake set with <paramref name="fakeLabels"/>: m = min(max size, both set
    /// sizes) split in the fake set's class shares (largest remainders), each capped by both sides' class sizes.
    /// </summary>
    public int[] Strata(IReadOnlyList<int> fakeLabels)
    {
        int classes = Math.Max(_labels.DefaultIfEmpty(0).Max(), fakeLabels.DefaultIfEmpty(0).Max()) + 1;
        var fake = ClassSizes(fakeLabels, classes);
        var real = ClassSizes(_labels, classes);
        int m = Math.Min(MaxSubsetSize, Math.Min(fakeLabels.Count, Rows.Count));
        var counts = new int[classes];
        var remainders = new double[classes];
        for (int c = 0; c < classes; c++)
        {
            double share = (double)m * fake[c] / fakeLabels.Count;
            counts[c] = (int)Math.Floor(share);
            remainders[c] = share - counts[c];
        }
        foreach (int c in Enumerable.Range(0, classes).OrderByDescending(c => remainders[c]).ThenBy(c => c).Take(m - counts.Sum()))
            counts[c]++;
        for (int c = 0; c < classes; c++)
            counts[c] = Math.Min(counts[c], Math.Min(fake[c], real[c]));
        return counts;
    }

    /// <summary>The real indices of subset <paramref name="s"/> with <paramref name="counts"/> images per class.</summary>
    public int[] SubsetIndices(int[] counts, int s) => Prepare(counts).Indices[s];

    internal (int[][] Indices, double[] Sums) Prepare(int[] counts)
    {
        string key = string.Join(",", counts);
        lock (_gate)
        {
            if (_byStrata.TryGetValue(key, out var have))
                return have;
            var indices = new int[Subsets][];
            var sums = new double[Subsets];
            for (int s = 0; s < Subsets; s++)
            {
                indices[s] = Stratified(_labels, counts, Seed, s);
                sums[s] = KidResult.WithinSum(Rows, indices[s], _labels);
            }
            return _byStrata[key] = (indices, sums);
        }
    }

    /// <summary>
    /// counts[c] images of every class c, drawn without replacement: those with the smallest Philox hash of
    /// (seed, subset, index), so the draw is the same on every platform (System.Random's sequence is not a contract).
    /// </summary>
    public static int[] Stratified(IReadOnlyList<int> labels, int[] counts, ulong seed, int s)
    {
        var picked = new List<int>(counts.Sum());
        for (int c = 0; c < counts.Length; c++)
        {
            if (counts[c] == 0)
                continue;
            picked.AddRange(Enumerable.Range(0, labels.Count).Where(i => labels[i] == c)
                .OrderBy(i => Hash(seed, s, i)).ThenBy(i => i).Take(counts[c]));
        }
        return picked.ToArray();
    }

    internal static int[] LabelsOrZero(IReadOnlyList<int>? labels, int count)
    {
        if (labels is null)
            return new int[count];
        if (labels.Count != count)
            throw new ArgumentException($"{labels.Count} labels for {count} feature vectors");
        return labels.ToArray();
    }

    internal static int[] ClassSizes(IReadOnlyList<int> labels, int classes)
    {
        var sizes = new int[classes];
        foreach (int l in labels)
            if (l >= 0 && l < classes)
                sizes[l]++;
        return sizes;
    }

    private static ulong Hash(ulong seed, int s, int index)
    {
        uint c0 = (uint)index, c1 = (uint)s, c2 = 0x4B1D, c3 = 0;
        Philox.Rounds(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        return ((ulong)c0 << 32) | c1;
    }
}
