// OnnxDiffusion build script (Cake 7). Run: dotnet tool restore && dotnet cake --target=<Target>
//   Build              compile the solution (Release)
//   Test               run every test project; prints "N passed, N failed"
//   Bench              BenchmarkDotNet suite (pass --bench-filter='*Ddim*' to narrow; --bench-job=short by default)
//   BenchCompare       OnnxDiffusion vs PyTorch eager on the same weights and DDIM loop, alternating rounds
//                      (--compare-rounds=5 --compare-batch=64 --compare-threads=2 --compare-images=64); installs
//                      Debian's python3-torch first when /usr/bin/python3 cannot import torch
//   BenchQuality       quality at speed: DDIM vs DPM-Solver++(2M) vs UniPC at N = 5 … 50, FD and label fidelity against the real
//                      test set, images/s, a table and an FD-vs-NFE plot in runs/quality (--quality-images=1000
//                      --quality-steps=5,8,10,15,20,25,50 --quality-threads=2); tens of minutes on 2 cores
//   BenchFeaturize     ResNet18 featurization images/s, one lane vs one lane per core, side by side (--featurize-images=200)
//   BenchCnn           the cnn classifier kind beside its PyTorch twin (benchmarks/cnn_side_by_side.py): accuracy, time per classifier
//   BenchLatent        per-part cost of a latent text-to-image pipeline (text encoder, VAE, guided U-Net step), the tiny
//                      fixture by default (--latent-model=<Optimum SD export> --latent-device=cuda for real sizes)
//   Reproduce          the experiment on the embedded default (--profile=quick|default|paper|full)
//   ReproduceFull      the full-size experiment (GPU-sized)
//   TrainDefaultModel  PyTorch recipe for models/fashion-mnist-ddpm and models/fashion-mnist-features (hours on CPU; not for CI)

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");
var benchFilter = Argument("bench-filter", "*");
var benchJob = Argument("bench-job", "short");
var compareRounds = Argument("compare-rounds", 5);
var compareBatch = Argument("compare-batch", 64);
var compareThreads = Argument("compare-threads", 2);
var compareImages = Argument("compare-images", 64);
var qualityImages = Argument("quality-images", 1000);
var qualitySteps = Argument("quality-steps", "5,8,10,15,20,25,50");
var qualityThreads = Argument("quality-threads", 2);
var featurizeImages = Argument("featurize-images", 200);
var solution = "./OnnxDiffusion.sln";
var python = "/usr/bin/python3";

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    var results = MakeAbsolute(Directory("./TestResults"));
    CleanDirectory(results);
    var failed = false;
    try
    {
        DotNetTest(solution, new DotNetTestSettings
        {
            Configuration = configuration,
            NoBuild = true,
            Loggers = new[] { "trx" },
            ResultsDirectory = results,
        });
    }
    catch (Exception)
    {
        failed = true;
    }
    int passed = 0, failedCount = 0;
    foreach (var trx in GetFiles(results.FullPath + "/**/*.trx"))
    {
        var text = System.IO.File.ReadAllText(trx.FullPath);
        var m = System.Text.RegularExpressions.Regex.Match(text, "<Counters[^>]*\\spassed=\"(\\d+)\"[^>]*\\sfailed=\"(\\d+)\"");
        if (m.Success)
        {
            passed += int.Parse(m.Groups[1].Value);
            failedCount += int.Parse(m.Groups[2].Value);
        }
    }
    Information($"{passed} passed, {failedCount} failed");
    if (failed || failedCount > 0)
        throw new Exception("tests failed");
});

Task("Bench")
    .Does(() =>
{
    DotNetRun("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new ProcessArgumentBuilder().Append("--filter").AppendQuoted(benchFilter).Append("--job").Append(benchJob),
        new DotNetRunSettings { Configuration = "Release" });
});

Task("Reproduce")
    .Does(() =>
{
    // The paper's experiment on the embedded default (--profile=quick|default|paper|full, --out=DIR).
    var profile = Argument("profile", "default");
    var outDir = Argument("out", $"runs/{profile}");
    DotNetRun("./src/OnnxDiffusion.Cli/OnnxDiffusion.Cli.csproj",
        $"reproduce --profile {profile} --out {outDir}",
        new DotNetRunSettings { Configuration = "Release" });
});

Task("ReproduceFull")
    .Does(() =>
{
    // All 60k images per strength: GPU-sized (--device=cuda with the CUDA build), days on 2 CPU cores.
    var device = Argument("device", "auto");
    DotNetRun("./src/OnnxDiffusion.Cli/OnnxDiffusion.Cli.csproj",
        $"reproduce --profile full --device {device} --out runs/full",
        new DotNetRunSettings { Configuration = "Release" });
});

Task("InstallPythonTooling")
    .Does(() =>
{
    // Debian's PyTorch and ONNX: the only PyTorch these machines can install.
    if (StartProcess(python, "-c \"import torch, onnx\"") != 0)
    {
        StartProcess("apt-get", "update -qq");
        if (StartProcess("apt-get", "install -y -qq python3-torch python3-onnx") != 0)
            throw new Exception("apt-get install python3-torch python3-onnx failed");
    }
});

Task("InstallPyTorch")
    .Does(() =>
{
    // BenchCompare's peer needs torch only; Debian's package is the PyTorch these machines can install.
    if (StartProcess(python, "-c \"import torch\"") != 0)
    {
        if (StartProcess("apt-get", "update") != 0)
            throw new Exception("apt-get update failed");
        if (StartProcess("apt-get", "install -y python3-torch") != 0)
            throw new Exception("apt-get install -y python3-torch failed");
    }
});

Task("BenchCompare")
    .IsDependentOn("InstallPyTorch")
    .Does(() =>
{
    // The runner calls the built dll (not dotnet run) so no build happens between timed rounds.
    DotNetBuild("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new DotNetBuildSettings { Configuration = "Release" });
    var args = $"benchmarks/side_by_side.py --rounds {compareRounds} --batch {compareBatch} --threads {compareThreads} " +
               $"--images {compareImages} --steps 25 --guidance 2";
    if (StartProcess(python, args) != 0)
        throw new Exception($"python3 {args} failed");
});

Task("BenchQuality")
    .Does(() =>
{
    // Built first and called as a dll, as BenchCompare does, so no build runs inside the timed generations.
    DotNetBuild("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new DotNetBuildSettings { Configuration = "Release" });
    var dll = "./benchmarks/OnnxDiffusion.Benchmarks/bin/Release/net10.0/OnnxDiffusion.Benchmarks.dll";
    var args = $"{dll} quality --images {qualityImages} --steps {qualitySteps} --threads {qualityThreads} --out runs/quality";
    if (StartProcess("dotnet", args) != 0)
        throw new Exception($"dotnet {args} failed");
});

Task("BenchFeaturize")
    .Does(() =>
{
    DotNetBuild("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new DotNetBuildSettings { Configuration = "Release" });
    var args = $"./benchmarks/OnnxDiffusion.Benchmarks/bin/Release/net10.0/OnnxDiffusion.Benchmarks.dll featurize --images {featurizeImages} --repeats 3";
    if (StartProcess("dotnet", args) != 0)
        throw new Exception($"dotnet {args} failed");
});

Task("BenchCnn")
    .IsDependentOn("InstallPyTorch")
    .Does(() =>
{
    // The cnn classifier kind beside its PyTorch twin: accuracy over 3 trainer seeds and time per classifier.
    DotNetBuild("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new DotNetBuildSettings { Configuration = "Release" });
    if (StartProcess(python, "benchmarks/cnn_side_by_side.py --seeds 0 1 2 --threads 1") != 0)
        throw new Exception("benchmarks/cnn_side_by_side.py failed");
});

Task("BenchLatent")
    .Does(() =>
{
    DotNetBuild("./benchmarks/OnnxDiffusion.Benchmarks/OnnxDiffusion.Benchmarks.csproj",
        new DotNetBuildSettings { Configuration = "Release" });
    var model = Argument("latent-model", "");
    var args = "./benchmarks/OnnxDiffusion.Benchmarks/bin/Release/net10.0/OnnxDiffusion.Benchmarks.dll latent --repeats 7" +
               $" --device {Argument("latent-device", "cpu")} --batch {Argument("latent-batch", 8)}" + (model.Length > 0 ? $" --model \"{model}\"" : "");
    if (StartProcess("dotnet", args) != 0)
        throw new Exception($"dotnet {args} failed");
});

Task("TrainDefaultModel")
    .IsDependentOn("InstallPythonTooling")
    .Does(() =>
{
    // The full recipe of models/fashion-mnist-ddpm and models/fashion-mnist-features. Training resumes from
    // models/training/state/ddpm_state.pt; --steps sets the total (see MODEL_CARD.md for what the shipped model got).
    void Py(string args)
    {
        if (StartProcess(python, args) != 0)
            throw new Exception($"python3 {args} failed");
    }
    var device = Argument("device", "cpu");
    var steps = Argument("steps", "40000");
    Py($"models/training/train_ddpm.py train --device {device} --steps {steps}");
    Py("models/training/train_ddpm.py export --guidance 2 --sample-steps 25");
    Py($"models/training/train_features.py --device {device}");
    // samples.png: the product itself draws the 10 × 10 class grid.
    DotNetRun("./src/OnnxDiffusion.Cli/OnnxDiffusion.Cli.csproj",
        "generate --per-class 10 --seed 1 --out artifacts/samples",
        new DotNetRunSettings { Configuration = "Release" });
    CopyFile("artifacts/samples/grid.png", "models/fashion-mnist-ddpm/samples.png");
});

RunTarget(target);
