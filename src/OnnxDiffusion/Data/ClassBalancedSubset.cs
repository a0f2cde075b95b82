using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Data;

/// <summary>
/// Deterministic class-balanced subsets: for each class, the <c>n</c> images whose Philox hash of
/// (seed, index) is smallest. The choice depends only on the seed and the dataset, never on the platform or
/// the .NET version (System.Random's sequence is not a contract), and the result is ordered class-major,
/// by original index within a class.
/// </summary>
public static class ClassBalancedSubset
{
    /// <summary>Indices into <paramref name="images"/>: <paramref name="perClass"/> of every class.</summary>
    /// <exception cref="DataFormatException">A class has fewer than <paramref name="perClass"/> images.</exception>
    public static int[] Select(LabeledImages images, int perClass, ulong seed)
    {
        if (perClass < 1)
            throw new DataFormatException($"--per-class {perClass}: expected an integer ≥ 1");
        // Capped by the data: a --per-class near int.MaxValue must reach the "fewer than" check below, not overflow here.
        var result = new List<int>((int)Math.Min((long)perClass * images.ClassNames.Count, images.Count));
        for (int c = 0; c < images.ClassNames.Count; c++)
        {
            var members = Enumerable.Range(0, images.Count).Where(i => images.Labels[i] == c).ToArray();
            if (members.Length == 0)
                continue;
            if (members.Length < perClass)
                throw new DataFormatException(
                    $"{images.Source}: class '{images.ClassNames[c]}' has {members.Length} images, fewer than --per-class {perClass}");
            result.AddRange(members.OrderBy(i => Hash(seed, i)).ThenBy(i => i).Take(perClass).Order());
        }
        return result.ToArray();
    }

    private static ulong Hash(ulong seed, int index)
    {
        uint c0 = (uint)index, c1 = 0x5EB5E7u, c2 = 0, c3 = 0;
        Philox.Rounds(ref c0, ref c1, ref c2, ref c3, (uint)seed, (uint)(seed >> 32));
        return ((ulong)c0 << 32) | c1;
    }
}
