using System.Text.Json;
using OnnxDiffusion.Cli.Commands;

namespace OnnxDiffusion.Cli.Tests.Commands;

[Collection("console")]
public class MetricsCommandTests
{
    [Fact]
    public void RealTestSetAgainstItselfFromTheCli()
    {
        string data = Path.Combine(TestData.Root, "data", "fashion-mnist");
        var sw = new StringWriter();
        // The copy check's pool is the test split itself here: every fake image is a pool image, so all are copies, while the
        // reference draw, left out of the pool one image at a time, is not.
        int rc = MetricsCommand.Execute(data, "test", data, "test", Path.Combine(TestData.Root, "models", "fashion-mnist-features"), 5, json: true, sw,
            trainSplit: "test");
        Assert.Equal(0, rc);
        using var doc = JsonDocument.Parse(sw.ToString());
        var r = doc.RootElement;
        foreach (var key in new[] { "fd", "precision", "recall", "density", "coverage", "centroid_distance_ratio", "outer_decile_share", "label_fidelity" })
            Assert.True(r.TryGetProperty(key, out _), $"missing key {key}");
        Assert.True(r.GetProperty("fd").GetDouble() < 1e-6, "FD of a set with itself");
        Assert.Equal(1.0, r.GetProperty("precision").GetDouble());
        Assert.Equal(1.0, r.GetProperty("recall").GetDouble());
        Assert.Equal(1.0, r.GetProperty("coverage").GetDouble());
        Assert.Equal(1.0, r.GetProperty("centroid_distance_ratio").GetDouble(), 9);
        Assert.InRange(r.GetProperty("label_fidelity").GetDouble(), 0.9, 1.0);
        Assert.Equal(1.0, r.GetProperty("copy_share").GetDouble());
        Assert.Equal(10000, r.GetProperty("copy_pool").GetInt32());
        Assert.InRange(r.GetProperty("copy_share_reference").GetDouble(), 0.01, 0.99);
    }

    [Fact]
    public void MissingFeatureModelIsOneLine()
    {
        var (rc, err) = TestData.RunCli("metrics", "--fake", Path.Combine(TestData.Root, "data", "fashion-mnist"), "--features", "/nonexistent/features");
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("/nonexistent/features", err);
    }

    [Fact]
    public void NegativeDrawsAreOneLine()
    {
        var (rc, err) = TestData.RunCli("metrics", "--fake", Path.Combine(TestData.Root, "data", "fashion-mnist"), "--draws", "-1");
        Assert.Equal(CommandRunner.BadInput, rc);
        Assert.Contains("--draws -1", err);
    }

    [Fact]
    public void ResNet18FeaturesOnSmallSetsWarnInsteadOfFailing()
    {
        string real = TestData.TinyImageFolder(perClass: 3), fake = TestData.TinyImageFolder(perClass: 2);
        var sw = new StringWriter();
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try
        {
            Assert.Equal(0, MetricsCommand.Execute(real, "train", fake, "train", "resnet18", 5, json: true, sw));
        }
        finally
        {
            Console.SetError(old);
        }
        using var doc = JsonDocument.Parse(sw.ToString());
        Assert.True(double.IsFinite(doc.RootElement.GetProperty("fd").GetDouble()));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("label_fidelity").ValueKind);
        Assert.Contains("fewer than the feature dimension 512", err.ToString());
    }
}
