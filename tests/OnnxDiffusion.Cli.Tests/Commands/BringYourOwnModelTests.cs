using System.Text.Json.Nodes;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// Models that are not ours, end to end through the CLI: the DDPMPipeline-shaped unconditional RGB 32×32 fixture
/// (float timestep [B], legacy scheduler keys) and the bare class-conditional RGB 16×16 one (rank-0 timestep, int32
/// labels, a PNDM config, onnxdiffusion.json), each with its RGB ImageFolder data (tests/fixtures/byom).
/// </summary>
[Collection("console")]
public class BringYourOwnModelTests
{
    private static string Byom(string name) => Path.Combine(TestData.Root, "tests", "fixtures", "byom", name);

    private static void Ok(params string[] args)
    {
        var (code, err) = TestData.RunCli([.. args, "--device", "cpu"]);
        Assert.True(code == 0, $"exit {code}: {err}");
    }

    // PNG colour type (byte 25 of the file): 2 = RGB.
    private static void AssertRgbPng(string file, int? size)
    {
        var b = File.ReadAllBytes(file);
        Assert.Equal(2, b[25]);
        if (size is int w)
            Assert.Equal(w, (b[16] << 24) | (b[17] << 16) | (b[18] << 8) | b[19]);
    }

    [Fact]
    public void TheConditionalBareModelGeneratesLabelledRgbImages()
    {
        string outDir = TestData.NewDir("byom-gen");
        Ok("generate", "--model", Byom("cond-rgb16"), "--per-class", "2", "--steps", "3", "--out", outDir);
        var pngs = TestData.Pngs(outDir);
        Assert.Equal(6, pngs.Count);
        Assert.Equal(["circle", "square", "stripes"], pngs.Keys.Select(k => k.Split('/')[0]).Distinct().Order(StringComparer.Ordinal));
        AssertRgbPng(Directory.GetFiles(outDir, "*.png", SearchOption.AllDirectories).First(f => !f.EndsWith("grid.png")), 16);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")))!;
        Assert.Equal(1.5, recipe["guidance"]!.GetValue<double>()); // onnxdiffusion.json's default guidance
        Assert.Equal("cond-rgb16", recipe["model"]!.GetValue<string>());
    }

    [Fact]
    public void TheUnconditionalPipelineGeneratesOnlyWhenToldTheSamplesAreUnlabelled()
    {
        string outDir = TestData.NewDir("byom-unlabelled");
        var (code, err) = TestData.RunCli("generate", "--model", Byom("ddpm-rgb32"), "--per-class", "2", "--steps", "3", "--out", outDir, "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("--unlabelled", err);
        Assert.False(Directory.Exists(outDir));
        Ok("generate", "--model", Byom("ddpm-rgb32"), "--unlabelled", "--per-class", "3", "--steps", "3", "--out", outDir);
        Assert.Equal(["samples/000000.png", "samples/000001.png", "samples/000002.png"], TestData.Pngs(outDir).Keys);
        AssertRgbPng(Path.Combine(outDir, "samples", "000000.png"), 32);
    }

    [Fact]
    public void ReconstructionOfAnUnconditionalModelKeepsEachSourcesLabelAndStrengthZeroIsTheRealImage()
    {
        string data = Byom("data-rgb32");
        string outDir = TestData.NewDir("byom-rec");
        Ok("reconstruct", "--model", Byom("ddpm-rgb32"), "--data", data, "--per-class", "2", "--steps", "4", "--strength", "0.5", "--out", outDir);
        var lines = TestData.ManifestLines(outDir).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(6, lines.Count);
        var trainFiles = Directory.GetFiles(Path.Combine(data, "train"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        foreach (var r in lines)
        {
            // Sources are indexed in label order then file order; the class an image is filed under is its source's folder.
            string source = trainFiles[r["source_index"]!.GetValue<int>()];
            Assert.Equal(Path.GetFileName(Path.GetDirectoryName(source)), r["class"]!.GetValue<string>());
        }

        string zero = TestData.NewDir("byom-rec0");
        Ok("reconstruct", "--model", Byom("ddpm-rgb32"), "--data", data, "--per-class", "2", "--steps", "4", "--strength", "0", "--out", zero);
        foreach (var r in TestData.ManifestLines(zero).Select(l => JsonNode.Parse(l)!))
        {
            var mine = Data.ImageFolderDataset.Decode(Path.Combine(zero, r["file"]!.GetValue<string>()), 3).Pixels;
            var real = Data.ImageFolderDataset.Decode(trainFiles[r["source_index"]!.GetValue<int>()], 3).Pixels;
            Assert.Equal(real, mine);
        }
    }

    [Fact]
    public void APixelRangeOfZeroToOneRoundTripsTheRealImages()
    {
        // A copy of the conditional model declaring [0, 1]: strength 0 gives back the real bytes, and the recipe says the range.
        string model = Path.Combine(Directory.CreateTempSubdirectory("byom-range").FullName, "cond");
        Directory.CreateDirectory(model);
        foreach (var f in Directory.GetFiles(Byom("cond-rgb16")))
            File.Copy(f, Path.Combine(model, Path.GetFileName(f)));
        var overrides = JsonNode.Parse(File.ReadAllText(Path.Combine(model, "onnxdiffusion.json")))!.AsObject();
        overrides["pixel_range"] = new JsonArray(0.0, 1.0);
        File.WriteAllText(Path.Combine(model, "onnxdiffusion.json"), overrides.ToJsonString());
        string outDir = TestData.NewDir("byom-range-out");
        Ok("reconstruct", "--model", model, "--data", Byom("data-rgb16"), "--per-class", "2", "--steps", "3", "--strength", "0", "--out", outDir);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")))!;
        Assert.Equal("[0,1]", recipe["pixel_range"]!.ToJsonString());
        var train = Directory.GetFiles(Path.Combine(Byom("data-rgb16"), "train"), "*.png", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();
        foreach (var r in TestData.ManifestLines(outDir).Select(l => JsonNode.Parse(l)!))
            Assert.Equal(Data.ImageFolderDataset.Decode(train[r["source_index"]!.GetValue<int>()], 3).Pixels,
                Data.ImageFolderDataset.Decode(Path.Combine(outDir, r["file"]!.GetValue<string>()), 3).Pixels);
    }

    [Fact]
    public void DataOfAnotherSizeIsRefusedOrResizedOnRequest()
    {
        string outDir = TestData.NewDir("byom-resize");
        var (code, err) = TestData.RunCli("reconstruct", "--model", Byom("ddpm-rgb32"), "--data", Byom("data-rgb16"), "--per-class", "1", "--steps", "2",
            "--out", outDir, "--device", "cpu");
        Assert.Equal(2, code);
        Assert.Contains("--resize", err);
        Assert.Contains("16×16", err);
        Ok("reconstruct", "--model", Byom("ddpm-rgb32"), "--data", Byom("data-rgb16"), "--per-class", "1", "--steps", "2", "--resize", "--out", outDir);
        var recipe = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "dataset.json")))!;
        Assert.Equal("resized 16×16 → 32×32 (SkiaSharp bilinear)", recipe["source"]!["resize"]!.GetValue<string>());
        AssertRgbPng(Directory.GetFiles(outDir, "*.png", SearchOption.AllDirectories).First(f => !f.EndsWith("grid.png")), 32);
    }

    [Theory]
    [InlineData("cond-rgb16", "data-rgb16")]
    [InlineData("ddpm-rgb32", "data-rgb32")]
    public void MetricsOnRgbSetsChooseResNet18(string model, string data)
    {
        string outDir = TestData.NewDir("byom-metrics");
        Ok("reconstruct", "--model", Byom(model), "--data", Byom(data), "--per-class", "8", "--steps", "3", "--strength", "0.4", "--out", outDir);
        var output = new StringWriter();
        var notices = new StringWriter();
        var stderr = Console.Error;
        Console.SetError(notices);
        int code;
        try
        {
            code = Cli.Commands.MetricsCommand.Execute(Byom(data), "test", outDir, "", "auto", 3, json: true, output, draws: 2);
        }
        finally
        {
            Console.SetError(stderr);
        }
        Assert.Equal(0, code);
        // auto chose ResNet18 (the embedded 1×28×28 features cannot take RGB images) and said so; ResNet18 has no head
        // trained on these classes, so there is no label fidelity (the embedded features would give one).
        Assert.Contains("so the metrics use ResNet18 (ImageNet)", notices.ToString());
        var m = JsonNode.Parse(output.ToString())!;
        Assert.Null(m["label_fidelity"]);
        Assert.True(m["fd"]!.GetValue<double>() >= 0);
        Assert.InRange(m["coverage"]!.GetValue<double>(), 0, 1);
    }

    [Theory]
    [InlineData("cond-rgb16", "data-rgb16", true)]
    [InlineData("ddpm-rgb32", "data-rgb32", false)]
    public void ReproduceQuickRunsEndToEnd(string model, string data, bool conditional)
    {
        string outDir = TestData.NewDir("byom-reproduce");
        Ok("reproduce", "--profile", "quick", "--model", Byom(model), "--data", Byom(data), "--out", outDir);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.Contains("ResNet18", report);
        Assert.Contains(conditional ? "PNDMScheduler" : "GaussianDDPMScheduler", report);
        Assert.Equal(!conditional, report.Contains("no generated set: the model is unconditional"));
        AssertRgbPng(Path.Combine(outDir, "grid.png"), null);
        var results = JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "results.json")))!;
        Assert.Contains("inferred from", results["setup"]!["model_description"]!.GetValue<string>());
        var rows = results["rows"]!.AsArray();
        Assert.Equal(conditional, rows.Any(r => r!["train_set"]!.GetValue<string>().Contains("generated")));
        Assert.NotEmpty(results["metrics"]!.AsArray());
    }
}
