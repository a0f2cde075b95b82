using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// Nothing a refused or interrupted run leaves blocks its corrected retry: a recipe with no image under it is replaced,
/// a merge stopped part way is finished by the same command, and a manifest record naming a file outside its folder is
/// redone, not followed. Each retry ends byte-identical to a clean run.
/// </summary>
[Collection("console")]
public class RetryAfterRefusalTests
{
    private static string[] Generate(string outDir, params string[] extra) =>
        ["generate", "--model", TestData.TinyModel, "--per-class", "2", "--steps", "2", "--device", "cpu", "--out", outDir, .. extra];

    private static void Ok(params string[] args)
    {
        var (code, err) = TestData.RunCli(args);
        Assert.True(code == 0, $"exit {code}: {err}");
    }

    [Fact]
    public void ARecipeWithNoImagesIsReplacedByTheCorrectedRun()
    {
        string clean = TestData.NewDir("retry-clean"), other = TestData.NewDir("retry-other"), retry = TestData.NewDir("retry");
        Ok(Generate(clean));
        Ok(Generate(other, "--guidance", "3"));
        // What a run stopped before its first batch leaves: only its recipe (here one that differs from the retry's).
        Directory.CreateDirectory(retry);
        File.Copy(Path.Combine(other, "dataset.json"), Path.Combine(retry, "dataset.json"));
        Ok(Generate(retry));
        Assert.Equal(TestData.Pngs(clean), TestData.Pngs(retry));
        Assert.Equal(File.ReadAllText(Path.Combine(clean, "dataset.json")), File.ReadAllText(Path.Combine(retry, "dataset.json")));
    }

    [Fact]
    public void AGuidanceThatOverflowsIsNamedAndItsCorrectedRunIsNotRefused()
    {
        string clean = TestData.NewDir("overflow-clean"), outDir = TestData.NewDir("overflow");
        Ok(Generate(clean));
        // Fits a float32, so it passes the up-front check; u + w·(c − u) then overflows in the first step.
        var (code, err) = TestData.RunCli(Generate(outDir, "--guidance", "3.4e38"));
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("error: guidance scale 3.4E+38: u + w·(c − u) overflows float32", err);
        Assert.DoesNotContain("unet.onnx", err);
        Ok(Generate(outDir));
        Assert.Equal(TestData.Pngs(clean), TestData.Pngs(outDir));
    }

    [Fact]
    public void ARecipeWithImagesIsStillProtected()
    {
        string outDir = TestData.NewDir("retry-protected");
        Ok(Generate(outDir, "--guidance", "3"));
        var (code, err) = TestData.RunCli(Generate(outDir));
        Assert.Equal(2, code);
        Assert.Contains("this folder was made with guidance = 3", err);
    }

    [Fact]
    public void AnInterruptedMergeIsFinishedByTheSameCommand()
    {
        string s0 = TestData.NewDir("merge-s0"), s1 = TestData.NewDir("merge-s1"), clean = TestData.NewDir("merge-clean"), cut = TestData.NewDir("merge-cut");
        Ok(Generate(s0, "--shard", "0/2"));
        Ok(Generate(s1, "--shard", "1/2"));
        Ok("merge", "--out", clean, s0, s1);
        Ok("merge", "--out", cut, s0, s1);
        // A full disk part way: the manifest (renamed in last) is absent, some images are missing, one is a temporary.
        File.Delete(Path.Combine(cut, "manifest.jsonl"));
        File.Delete(Path.Combine(cut, "grid.png"));
        var pngs = Directory.GetFiles(cut, "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        File.Move(pngs[^1], pngs[^1] + Data.AtomicFile.TempSuffix);
        File.Delete(pngs[^2]);
        Ok("merge", "--out", cut, s0, s1);
        Assert.Equal(TestData.Pngs(clean), TestData.Pngs(cut));
        Assert.Equal(File.ReadAllText(Path.Combine(clean, "manifest.jsonl")), File.ReadAllText(Path.Combine(cut, "manifest.jsonl")));
        Assert.Empty(Directory.GetFiles(cut, "*" + Data.AtomicFile.TempSuffix, SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData("../outside.png")]
    [InlineData(null)]
    public void AManifestRecordNamingNoFileInsideIsRedoneOnResume(string? file)
    {
        string clean = TestData.NewDir("resume-clean"), spoiled = TestData.NewDir("resume-spoiled");
        Ok(Generate(clean));
        Ok(Generate(spoiled));
        string manifest = Path.Combine(spoiled, "manifest.jsonl");
        var lines = File.ReadAllLines(manifest);
        var record = JsonNode.Parse(lines[0])!.AsObject();
        File.Delete(Path.Combine(spoiled, (string)record["file"]!));
        record["file"] = file;
        lines[0] = record.ToJsonString();
        File.WriteAllLines(manifest, lines);
        Ok(Generate(spoiled));
        Assert.Equal(TestData.Pngs(clean), TestData.Pngs(spoiled));
        Assert.Equal(TestData.ManifestLines(clean), TestData.ManifestLines(spoiled));
    }
}
