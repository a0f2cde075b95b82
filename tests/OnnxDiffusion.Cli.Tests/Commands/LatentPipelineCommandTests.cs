using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// A Stable-Diffusion-shaped pipeline (tests/fixtures/sd-tiny, random weights) end to end through the CLI: prompts per
/// class, latent reconstruction through the VAE, and the whole experiment with its VAE round-trip rows.
/// </summary>
[Collection("console")]
public class LatentPipelineCommandTests
{
    private static string SdTiny(string name) => Path.Combine(TestData.Root, "tests", "fixtures", "sd-tiny", name);

    private static void Ok(params string[] args)
    {
        var (code, err) = TestData.RunCli([.. args, "--device", "cpu"]);
        Assert.True(code == 0, $"exit {code}: {err}");
    }

    [Fact]
    public void GenerateWritesOneFolderPerPromptedClassAndRecordsTheTemplate()
    {
        string outDir = TestData.NewDir("sd-gen");
        Ok("generate", "--model", SdTiny("pipeline"), "--classes", "circle,square", "--prompt", "an image of {class}", "--per-class", "2", "--steps", "3",
            "--out", outDir);
        var pngs = TestData.Pngs(outDir);
        Assert.Equal(["circle/000000.png", "circle/000001.png", "square/000002.png", "square/000003.png"], pngs.Keys);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")))!;
        Assert.Equal("an image of {class}", recipe["prompt"]!.GetValue<string>());
        Assert.Equal(64, recipe["image_size"]!.GetValue<int>());
        Assert.Equal(7.5, recipe["guidance"]!.GetValue<double>());
        // Same command again: resumes, makes nothing.
        var before = TestData.Pngs(outDir);
        Ok("generate", "--model", SdTiny("pipeline"), "--classes", "circle,square", "--prompt", "an image of {class}", "--per-class", "2", "--steps", "3",
            "--out", outDir);
        Assert.Equal(before, TestData.Pngs(outDir));
    }

    [Fact]
    public void ReconstructRunsInLatentSpaceForTheLegacyExportToo()
    {
        string outDir = TestData.NewDir("sd-rec");
        Ok("reconstruct", "--model", SdTiny("legacy"), "--data", SdTiny("data-rgb64"), "--per-class", "2", "--steps", "4", "--strength", "0.5",
            "--batch", "4", "--out", outDir);
        Assert.Equal(6, TestData.Pngs(outDir).Count);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")))!;
        Assert.Equal(8.0, recipe["latent_scaling_factor"]!.GetValue<double>()); // no scaling_factor: Optimum's fallback
    }

    [Fact]
    public void ReproduceQuickRunsEndToEndWithTheVaeRoundTripRow()
    {
        string outDir = TestData.NewDir("sd-reproduce");
        Ok("reproduce", "--profile", "quick", "--model", SdTiny("pipeline"), "--data", SdTiny("data-rgb64"), "--out", outDir);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("| synthetic | 0 (VAE round trip) |", report);
        Assert.Contains("scaling factor 0.18215", report);
        Assert.Contains("\"a photo of a circle\"", report);
        Assert.Contains("3×64×64 images through a VAE to 4×8×8 latents", report);
        Assert.Contains("strength 0 is the VAE round trip", report);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.Contains("latent diffusion", results["setup"]!["latent"]!.GetValue<string>());
        var rows = results["rows"]!.AsArray();
        Assert.Contains(rows, r => r!["train_set"]!.GetValue<string>() == "generated");
        Assert.Contains(rows, r => r!["train_set"]!.GetValue<string>() == "synthetic" && r["strength"]!.GetValue<double>() == 0.5);
        Assert.NotEmpty(results["metrics"]!.AsArray());
        // A VAE round trip is other pixels than the real set: not "0 by construction".
        Assert.DoesNotContain("same data as real", report);
    }
}
