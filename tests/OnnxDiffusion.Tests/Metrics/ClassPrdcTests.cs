using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class ClassPrdcTests
{
    private sealed class PixelFeatures : IFeatureExtractor
    {
        public int FeatureDim => 4;
        public string Description => "pixels";
        public string Fingerprint => "pixels";
        public (float[] Features, float[] Logits) Run(LabeledImages images) => (images.Pixels.Select(p => p / 255f).ToArray(), []);
        public void Dispose() { }
    }

    /// <summary>Three classes of 4-pixel images around 60, 120 and 180; class <paramref name="moved"/> (if any) sits at 250 instead.</summary>
    private static LabeledImages Set(int perClass, int seed, int moved = -1)
    {
        var rng = new Random(seed);
        var px = new byte[perClass * 3 * 4];
        var labels = new int[perClass * 3];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i % 3;
            int centre = labels[i] == moved ? 250 : 60 + 60 * labels[i];
            for (int j = 0; j < 4; j++)
                px[i * 4 + j] = (byte)Math.Clamp(centre + rng.Next(-4, 5), 0, 255);
        }
        return new LabeledImages(px, labels, 1, 2, 2, ["a", "b", "c"], $"set {seed}");
    }

    [Fact]
    public void A_set_against_itself_scores_one_in_every_class()
    {
        using var f = new PixelFeatures();
        var real = Set(40, 1);
        var reference = new RealReference(f, real, 3);
        var rows = ClassPrdc.Compute(reference, new FeatureSet(f.Run(real).Features, 4), real, null);
        Assert.Equal(["a", "b", "c"], rows.Select(r => r.Name));
        Assert.All(rows, r =>
        {
            Assert.Equal(1.0, r.Precision);
            Assert.Equal(1.0, r.Recall);
            Assert.Equal(1.0, r.Coverage);
            Assert.Equal(40, r.N);
        });
    }

    [Fact]
    public void Only_the_class_that_moved_loses_coverage_and_draws_give_equal_sizes()
    {
        using var f = new PixelFeatures();
        var reference = new RealReference(f, Set(200, 2), 3);
        var fake = Set(30, 3, moved: 1);
        var draws = ReferenceDraws.Create(reference, 30, 4, 5);
        var rows = ClassPrdc.Compute(reference, new FeatureSet(f.Run(fake).Features, 4), fake, draws);
        Assert.Equal(0.0, rows[1].Coverage);
        Assert.Equal(0.0, rows[1].Precision);
        Assert.True(rows[0].Coverage > 0.8 && rows[2].Coverage > 0.8, $"{rows[0].Coverage} {rows[2].Coverage}");
        Assert.All(rows, r => Assert.Equal(30, r.N));
    }
}
