using System.Text.Json;
using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

/// <summary>The embedded feature model through ONNX Runtime against PyTorch's logits recorded at export.</summary>
public class FeatureExtractorTests
{
    private static readonly string Dir = RepoPaths.Combine("models", "fashion-mnist-features");

    [Fact]
    public void LogitsMatchPyTorchOnTheFirstTestImages()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "features.json")));
        var reference = doc.RootElement.GetProperty("reference");
        var indices = reference.GetProperty("test_indices").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var expected = reference.GetProperty("logits").EnumerateArray().SelectMany(r => r.EnumerateArray().Select(v => v.GetSingle())).ToArray();

        var test = IdxDataset.Load(RepoPaths.Combine("data", "fashion-mnist"), "test");
        var subset = new LabeledImages(indices.SelectMany(i => test.Image(i).ToArray()).ToArray(), indices.Select(i => test.Labels[i]).ToArray(),
            1, 28, 28, test.ClassNames, "subset");
        using var fx = new FeatureExtractor(Dir);
        var (features, logits) = fx.Run(subset);
        Assert.Equal(indices.Length * fx.Manifest.FeatureDim, features.Length);
        double maxAbs = logits.Zip(expected, (a, b) => Math.Abs((double)a - b)).Max();
        Assert.True(maxAbs < 1e-3, $"max |onnx − torch| = {maxAbs:E3}");
    }

    [Fact]
    public void JudgesTheRealTestSetAboveNinetyPercent()
    {
        var test = IdxDataset.Load(RepoPaths.Combine("data", "fashion-mnist"), "test");
        using var fx = new FeatureExtractor(Dir);
        var (_, logits) = fx.Run(test);
        Assert.InRange(FeatureExtractor.Accuracy(logits, test.Labels), 0.90, 1.0);
    }
}
