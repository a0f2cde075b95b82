using OnnxDiffusion.Data;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Equal-size, class-balanced random draws from a real reference. k-NN precision, recall, density and coverage depend on
/// the two set sizes as much as on the distributions (500 fakes against 10,000 reals cover a fifth of the reals even when
/// the fakes are real images), so each synthetic set is compared with draws of its own size and the values averaged.
/// </summary>
public sealed class ReferenceDraws
{
    private ReferenceDraws(int perClass, IReadOnlyList<ReferenceDraw> draws, ulong seed)
    {
        PerClass = perClass;
        Draws = draws;
        Seed = seed;
    }

    /// <summary>Images per class in every draw.</summary>
    public int PerClass { get; }

    /// <summary>The draws.</summary>
    public IReadOnlyList<ReferenceDraw> Draws { get; }

    /// <summary>Seed the draws came from (draw d of a fake set subsample uses it too).</summary>
    public ulong Seed { get; }

    /// <summary>
    /// <paramref name="count"/> draws of <paramref name="perClass"/> images of every class of the reference (fewer when a
    /// class of the reference is smaller), each with its own k-NN radii.
    /// </summary>
    public static ReferenceDraws Create(RealReference reference, int perClass, int count, ulong seed)
    {
        if (count < 1)
            throw new ArgumentOutOfRangeException(nameof(count), count, "expected at least one draw");
        var images = reference.Images;
        int smallest = Enumerable.Range(0, images.ClassNames.Count)
            .Select(c => images.Labels.Count(l => l == c)).Where(n => n > 0).DefaultIfEmpty(0).Min();
        int n = Math.Min(perClass, smallest);
        var draws = new List<ReferenceDraw>(count);
        for (int d = 0; d < count; d++)
        {
            var indices = ClassBalancedSubset.Select(images, n, DrawSeed(seed, d));
            // A draw of whole classes is the same set every time (a fake set as large as the reference): one draw object,
            // so its radii, and the comparisons made with it, are computed once.
            if (d > 0 && draws[^1].Indices.AsSpan().SequenceEqual(indices))
            {
                draws.Add(draws[^1]);
                continue;
            }
            var features = reference.Features.Subset(indices);
            draws.Add(new ReferenceDraw(indices, features, features.KthNeighbourSquaredRadii(reference.K)));
        }
        return new ReferenceDraws(n, draws, seed);
    }

    /// <summary>The seed of draw <paramref name="d"/>; a fake set larger than the draws is subsampled with the same seed.</summary>
    public static ulong DrawSeed(ulong seed, int d) => seed * 0x9E3779B97F4A7C15UL + (ulong)d + 1;
}

/// <summary>One equal-size draw: indices into the reference, their features and k-NN radii.</summary>
/// <param name="Indices">Indices into the reference images.</param>
/// <param name="Features">The drawn feature vectors.</param>
/// <param name="SquaredRadii">Their squared k-NN radii among themselves (self excluded).</param>
public sealed record ReferenceDraw(int[] Indices, FeatureSet Features, double[] SquaredRadii);
