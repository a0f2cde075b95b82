using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

/// <summary>
/// Every set metric through a feature model that is not ours: tests/fixtures/foreign-features (its make_fixture.py), with
/// other input and output names, no logits and 16-d embeddings, as a user's exported DINOv2 or CLIP tower would be.
/// </summary>
public class ForeignFeatureModelTests
{
    private static LabeledImages First(LabeledImages set, int perClass)
    {
        var indices = Enumerable.Range(0, set.ClassNames.Count).SelectMany(c => Enumerable.Range(0, set.Count).Where(i => set.Labels[i] == c).Take(perClass)).ToArray();
        return new LabeledImages(indices.SelectMany(i => set.Image(i).ToArray()).ToArray(), indices.Select(i => set.Labels[i]).ToArray(),
            1, 28, 28, set.ClassNames, "subset");
    }

    [Fact]
    public void Kid_vendi_per_class_prdc_and_source_identifiability_run_in_its_space()
    {
        var test = IdxDataset.Load(RepoPaths.Combine("data", "fashion-mnist"), "test");
        var real = First(test, 30);
        using var fx = new FeatureExtractor(RepoPaths.Fixture("foreign-features"));
        Assert.Equal(16, fx.FeatureDim);
        // The real images as their own reconstructions (strength 0): every source is its sample's nearest real image.
        var m = SyntheticSetMetrics.Compute(fx, real, real, k: 3, sourceIndex: Enumerable.Range(0, real.Count).ToArray());
        Assert.Equal(1.0, m.SourceRankOneShare);
        Assert.Equal(1.0, m.SourceMedianRank);
        Assert.Equal(300, m.SourcePool);
        Assert.Equal(300, m.KidSubsetSize);
        Assert.InRange(m.Vendi!.Value, 1.0, 16.0);
        Assert.Equal(10, m.PerClass!.Count);
        Assert.All(m.PerClass, c => Assert.Equal(1.0, c.Coverage));
        Assert.Null(m.LabelFidelity);
        Assert.True(double.IsFinite(m.Kid!.Value));
    }
}
