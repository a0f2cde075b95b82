using OnnxDiffusion.Data;
using OnnxDiffusion.Metrics;

namespace OnnxDiffusion.Tests.Metrics;

/// <summary>The frozen ResNet18 (batch fixed to 1 in its shipped graph) as a generic feature space.</summary>
public class ResNet18FeatureExtractorTests
{
    private static LabeledImages Images(int channels, params Func<int, byte>[] makers)
    {
        int plane = 8 * 8;
        var px = makers.SelectMany(m => Enumerable.Range(0, channels * plane).Select(m)).ToArray();
        return new LabeledImages(px, new int[makers.Length], channels, 8, 8, ["x"], "test");
    }

    [Fact]
    public void Gives512FiniteDeterministicFeaturesOnePerImage()
    {
        using var fx = FeatureExtractors.Open("resnet18");
        var set = Images(3, p => (byte)(p * 3), p => (byte)(255 - p), p => (byte)(p * 3));
        var (features, logits) = fx.Run(set);
        Assert.Equal(3 * 512, features.Length);
        Assert.Empty(logits);
        Assert.All(features, v => Assert.True(float.IsFinite(v)));
        Assert.Equal(features.AsSpan(0, 512).ToArray(), features.AsSpan(1024, 512).ToArray()); // same image, same features
        Assert.NotEqual(features.AsSpan(0, 512).ToArray(), features.AsSpan(512, 512).ToArray());
    }

    [Fact]
    public void GreyImagesAreReplicatedToRgb()
    {
        using var fx = new ResNet18FeatureExtractor();
        var grey = Images(1, p => (byte)(p * 4 % 256));
        var rgb = Images(3, p => (byte)(p % 64 * 4 % 256));
        Assert.Equal(fx.Run(grey).Features, fx.Run(rgb).Features);
    }

    [Fact]
    public void FeaturesDoNotDependOnTheLaneCount()
    {
        var set = Images(3, p => (byte)(p * 3), p => (byte)(255 - p), p => (byte)(p * 7 % 256), p => (byte)(p / 2), p => (byte)(p % 17 * 15));
        using var one = new ResNet18FeatureExtractor(lanes: 1);
        using var three = new ResNet18FeatureExtractor(lanes: 3);
        Assert.Equal(one.Run(set).Features, three.Run(set).Features);
        Assert.Equal(3, three.Lanes);
    }

    [Fact]
    public void MissingModelFilesAreNamed()
    {
        var ex = Assert.Throws<OnnxDiffusionException>(() => new ResNet18FeatureExtractor("/nonexistent/models"));
        Assert.Contains("ResNetPreprocess.onnx", ex.Message);
    }
}
