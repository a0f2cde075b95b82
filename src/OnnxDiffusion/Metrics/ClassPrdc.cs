using System.Text.Json.Serialization;
using OnnxDiffusion.Data;

namespace OnnxDiffusion.Metrics;

/// <summary>
/// Precision / recall / density / coverage of one class: the synthetic images of that class against the same class's
/// real images, at equal sizes (means over the reference draws when there are draws).
/// </summary>
public sealed record ClassPrdc
{
    /// <summary>Class index.</summary>
    [JsonPropertyName("class")] public int Class { get; init; }

    /// <summary>Class name.</summary>
    [JsonPropertyName("name")] public string Name { get; init; } = "";

    /// <summary>Precision.</summary>
    [JsonPropertyName("precision")] public double Precision { get; init; }

    /// <summary>Recall.</summary>
    [JsonPropertyName("recall")] public double Recall { get; init; }

    /// <summary>Density.</summary>
    [JsonPropertyName("density")] public double Density { get; init; }

    /// <summary>Coverage.</summary>
    [JsonPropertyName("coverage")] public double Coverage { get; init; }

    /// <summary>Images per side.</summary>
    [JsonPropertyName("n")] public int N { get; init; }

    /// <summary>
    /// Every class with more than k images on both sides. With <paramref name="draws"/>, class c of each draw against
    /// as many of the fake set's class-c images (its first ones in draw order), averaged over the draws; without, the
    /// reference's whole class against the fake set's whole class.
    /// </summary>
    public static IReadOnlyList<ClassPrdc> Compute(RealReference reference, FeatureSet fakeSet, LabeledImages fake, ReferenceDraws? draws)
    {
        var result = new List<ClassPrdc>();
        int k = reference.K;
        for (int c = 0; c < fake.ClassNames.Count; c++)
        {
            var fakeIndices = Members(fake.Labels, c);
            var runs = new List<PrdcResult>();
            int n = 0;
            if (draws is null)
            {
                var realIndices = Members(reference.Images.Labels, c);
                if (realIndices.Length > k && fakeIndices.Length > k)
                {
                    runs.Add(PrdcResult.Compute(reference.Features.Subset(realIndices), fakeSet.Subset(fakeIndices), k));
                    n = Math.Min(realIndices.Length, fakeIndices.Length);
                }
            }
            else
            {
                for (int d = 0; d < draws.Draws.Count; d++)
                {
                    var realIndices = draws.Draws[d].Indices.Where(i => reference.Images.Labels[i] == c).ToArray();
                    n = Math.Min(realIndices.Length, fakeIndices.Length);
                    if (n <= k)
                        break;
                    // The same draw object again (whole classes) with the whole fake class: the same comparison.
                    if (d > 0 && ReferenceEquals(draws.Draws[d], draws.Draws[d - 1]) && fakeIndices.Length == n && runs.Count > 0)
                    {
                        runs.Add(runs[^1]);
                        continue;
                    }
                    // Equal sizes: a fake class larger than the draw's is cut to a draw-specific subsample.
                    var side = fakeIndices.Length == n ? fakeIndices : fakeIndices.OrderBy(i => Mix(draws.Seed, d, i)).Take(n).Order().ToArray();
                    runs.Add(PrdcResult.Compute(reference.Features.Subset(realIndices.Take(n).ToArray()), fakeSet.Subset(side), k));
                }
            }
            if (runs.Count == 0)
                continue;
            result.Add(new ClassPrdc
            {
                Class = c, Name = fake.ClassNames[c], N = n,
                Precision = runs.Average(r => r.Precision), Recall = runs.Average(r => r.Recall),
                Density = runs.Average(r => r.Density), Coverage = runs.Average(r => r.Coverage),
            });
        }
        return result;
    }

    private static int[] Members(int[] labels, int c) => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray();

    private static ulong Mix(ulong seed, int d, int i) => (ReferenceDraws.DrawSeed(seed, d) ^ ((ulong)i * 0x9E3779B97F4A7C15UL)) * 0xBF58476D1CE4E5B9UL;
}
