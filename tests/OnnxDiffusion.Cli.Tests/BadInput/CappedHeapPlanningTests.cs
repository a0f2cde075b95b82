using System.Diagnostics;

namespace OnnxDiffusion.Cli.Tests.BadInput;

/// <summary>
/// The image-count limit <see cref="ResourceLimits.CheckImageCount"/> states is true: under a 1 GiB heap
/// (DOTNET_GCHeapHardLimit) the largest <c>--per-class</c> it accepts plans every image and finishes a first batch without
/// running out of memory, and one more is refused with the limit in the message.
/// </summary>
public class CappedHeapPlanningTests
{
    private const long Heap = 1L << 30;

    // The tiny model has 10 classes; the check counts per_class × 10 images against heap / BytesPerPlannedImage.
    private static readonly int LargestAccepted = (int)(Heap / ResourceLimits.BytesPerPlannedImage / 10);

    [Fact]
    public async Task TheLargestAcceptedCountPlansWithoutRunningOutOfMemory()
    {
        string outDir = TestData.NewDir("capped-heap");
        using var p = StartCli("generate", "--model", TestData.TinyModel, "--per-class", LargestAccepted.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--steps", "1", "--batch", "16", "--device", "cpu", "--out", outDir);
        var err = p.StandardError.ReadToEndAsync();
        string manifest = Path.Combine(outDir, "manifest.jsonl");
        // The first batch's manifest record is appended only after the whole plan was built: its presence proves planning fit.
        while (!p.HasExited && !(File.Exists(manifest) && new FileInfo(manifest).Length > 0))
            await Task.Delay(50);
        bool planned = !p.HasExited;
        if (planned)
        {
            p.Kill();
            await p.WaitForExitAsync();
        }
        string stderr = await err;
        Assert.True(planned, $"exit {p.ExitCode} before the first batch: {stderr}");
        Assert.DoesNotContain("OutOfMemory", stderr);
    }

    [Fact]
    public void OneMoreIsRefusedWithTheLimit()
    {
        string outDir = TestData.NewDir("capped-heap-over");
        using var p = StartCli("generate", "--model", TestData.TinyModel, "--per-class", (LargestAccepted + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--steps", "1", "--device", "cpu", "--out", outDir);
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(2, p.ExitCode);
        Assert.Contains($"--per-class {LargestAccepted + 1}", err);
        Assert.Contains("1.0 GiB", err);
        Assert.False(Directory.Exists(outDir));
    }

    private static Process StartCli(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        psi.Environment["DOTNET_GCHeapHardLimit"] = "0x" + Heap.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "onnxdiffusion.dll"));
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        return p;
    }
}
