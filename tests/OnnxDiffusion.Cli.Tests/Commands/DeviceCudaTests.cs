using OnnxDiffusion.Kernels;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>
/// <c>--device cuda</c> on a machine where CUDA cannot be used is the user's choice meeting the machine, not a bug:
/// one line naming the device and what was found, exit 2, no crash log. <c>auto</c> falls back with a notice.
/// </summary>
[Collection("console")]
public class DeviceCudaTests
{
    private static string CrashFolder => Path.Combine(Path.GetTempPath(), "onnxdiffusion");

    private static string[] CrashLogs() => Directory.Exists(CrashFolder)
        ? Directory.GetFiles(CrashFolder, $"crash-*-{Environment.ProcessId}.log")
        : [];

    private static string[] Generate(string device, string output) =>
        ["generate", "--model", TestData.TinyModel, "--per-class", "1", "--steps", "2", "--device", device, "--out", output];

    [Theory]
    [InlineData("cuda")]
    [InlineData("gpu")]
    public void CudaWithoutADeviceIsOneLineExitTwoAndNoCrashLog(string name)
    {
        var probe = CudaProbe.Run();
        Assert.True(probe.Failure() is not null, $"this test needs a machine without usable CUDA; found {probe}");
        string output = Path.Combine(Directory.CreateTempSubdirectory("cuda").FullName, "out");
        var logsBefore = CrashLogs();
        var (code, err) = TestData.RunCli(Generate(name, output));
        var lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(code == 2, $"exit {code}: {err}");
        Assert.Single(lines);
        Assert.StartsWith("error: --device cuda: ", lines[0]);
        Assert.Contains(probe.Failure()!, lines[0]);
        Assert.DoesNotContain("internal error", err);
        Assert.Equal(logsBefore, CrashLogs());
        Assert.False(Directory.Exists(output) && Directory.EnumerateFileSystemEntries(output).Any(), "a failed run wrote output");
    }

    [Fact]
    public void AutoWithoutADeviceFallsBackWithANotice()
    {
        Assert.True(CudaProbe.Run().Failure() is not null, "this test needs a machine without usable CUDA");
        string output = Directory.CreateTempSubdirectory("auto").FullName;
        var (code, err) = TestData.RunCli(Generate("auto", output));
        Assert.True(code == 0, $"exit {code}: {err}");
        Assert.Contains("device auto: ", err);
        Assert.DoesNotContain("error", err);
        Assert.NotEmpty(Directory.GetFiles(output, "*.png", SearchOption.AllDirectories));
    }
}
