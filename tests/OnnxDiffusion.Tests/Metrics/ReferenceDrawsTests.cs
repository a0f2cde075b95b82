using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

public class ReferenceDrawsTests
{
    /// <summary>Pixels as features: a feature space the test can reason about.</summary>
    private sealed class PixelFeatures : IFeatureExtractor
    {
        public int FeatureDim => 8;
        public string Description => "pixels";
        public string Fingerprint => "pixels";
        public (float[] Features, float[] Logits) Run(LabeledImages images) => (images.Pixels.Select(p => p / 255f).ToArray(), []);
        public void Dispose() { }
    }

    /// <summary>n images per class, 8 grey pixels each, from one smooth distribution per class.</summary>
    private static LabeledImages Gaussian(int perClass, int seed)
    {
        var rng = new Random(seed);
        int classes = 2;
        var px = new byte[perClass * classes * 8];
        var labels = new int[perClass * classes];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = i / perClass;
            for (int j = 0; j < 8; j++)
            {
                double z = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                px[i * 8 + j] = (byte)Math.Clamp(128 + 60 * labels[i] - 30 + 20 * z, 0, 255);
            }
        }
        return new LabeledImages(px, labels, 1, 2, 4, ["a", "b"], $"gaussian {seed}");
    }

    [Fact]
    public void Draws_are_class_balanced_of_the_requested_size_differ_from_each_other_and_repeat_for_a_seed()
    {
        using var f = new PixelFeatures();
        var reference = new RealReference(f, Gaussian(400, 1), 5);
        var draws = ReferenceDraws.Create(reference, 50, 3, 9);
        Assert.Equal(3, draws.Draws.Count);
        Assert.All(draws.Draws, d =>
        {
            Assert.Equal(100, d.Indices.Length);
            Assert.Equal(50, d.Indices.Count(i => reference.Images.Labels[i] == 0));
            Assert.Equal(100, d.Features.Count);
            Assert.Equal(100, d.SquaredRadii.Length);
        });
        Assert.NotEqual(draws.Draws[0].Indices, draws.Draws[1].Indices);
        Assert.Equal(draws.Draws[2].Indices, ReferenceDraws.Create(reference, 50, 3, 9).Draws[2].Indices);
        // A reference class smaller than asked caps the draw size.
        Assert.Equal(400, ReferenceDraws.Create(reference, 1000, 1, 9).PerClass);
    }

    [Fact]
    public void Draws_of_whole_classes_are_one_draw_object_and_give_the_single_comparisons_values()
    {
        using var f = new PixelFeatures();
        var real = Gaussian(60, 1);
        var reference = new RealReference(f, real, 5);
        var draws = ReferenceDraws.Create(reference, 60, 4, 9);
        Assert.All(draws.Draws, d => Assert.Same(draws.Draws[0], d));
        var fake = Gaussian(60, 2);
        var m = SyntheticSetMetrics.Compute(f, reference, fake, draws: draws);
        var whole = SyntheticSetMetrics.Compute(f, reference, fake);
        Assert.Equal(whole.Precision, m.Precision);
        Assert.Equal(whole.Recall, m.Recall);
        Assert.Equal(whole.Density, m.Density);
        Assert.Equal(whole.Coverage, m.Coverage);
        Assert.Equal(0, m.PrdcDrawSd!.Coverage);
        Assert.Equal(whole.PerClass!.Select(c => c.Coverage), m.PerClass!.Select(c => c.Coverage));
    }

    [Fact]
    public void Equal_sizes_show_real_data_as_real_where_the_whole_reference_shows_a_set_size_ratio()
    {
        // 100 fresh real samples against 1,600 reference samples of the same distribution: against the whole reference,
        // coverage is bounded by the size ratio (≈ 1 − e^(−k·100/1600) ≈ 0.27); against equal-size draws it reads near 1.
        using var f = new PixelFeatures();
        var reference = new RealReference(f, Gaussian(800, 1), 5);
        var fake = Gaussian(50, 2);
        var whole = SyntheticSetMetrics.Compute(f, reference, fake);
        var equal = SyntheticSetMetrics.Compute(f, reference, fake, draws: ReferenceDraws.Create(reference, 50, 5, 3));
        Assert.True(whole.Coverage < 0.5, $"whole-reference coverage {whole.Coverage}");
        Assert.True(equal.Coverage > 0.8, $"equal-size coverage {equal.Coverage}");
        Assert.True(equal.Recall > 0.8 && equal.Precision > 0.8, $"{equal.Precision} {equal.Recall}");
        Assert.Equal((100, 100, 1600, 5), (equal.NReal, equal.NFake, equal.NReference, equal.Draws));
        Assert.NotNull(equal.PrdcDrawSd);
        Assert.Null(whole.PrdcDrawSd);
        // FD and the mode measures use the whole reference either way.
        Assert.Equal(whole.Fd, equal.Fd);
        Assert.Equal(whole.OuterDecileShare, equal.OuterDecileShare);
    }

    [Fact]
    public void A_fake_set_that_is_a_draw_itself_scores_one_against_that_draw()
    {
        using var f = new PixelFeatures();
        var images = Gaussian(200, 4);
        var reference = new RealReference(f, images, 5);
        var draws = ReferenceDraws.Create(reference, 30, 1, 7);
        var same = new LabeledImages(draws.Draws[0].Indices.SelectMany(i => images.Image(i).ToArray()).ToArray(),
            draws.Draws[0].Indices.Select(i => images.Labels[i]).ToArray(), 1, 2, 4, images.ClassNames, "the draw");
        var m = SyntheticSetMetrics.Compute(f, reference, same, draws: draws);
        Assert.Equal((1.0, 1.0, 1.0), (m.Precision, m.Recall, m.Coverage));
    }

    [Fact]
    public void A_larger_fake_set_is_subsampled_class_balanced_to_the_draw_size()
    {
        using var f = new PixelFeatures();
        var reference = new RealReference(f, Gaussian(100, 1), 5);
        var m = SyntheticSetMetrics.Compute(f, reference, Gaussian(300, 2), draws: ReferenceDraws.Create(reference, 40, 2, 3));
        Assert.Equal((80, 80), (m.NReal, m.NFake));
    }
}
