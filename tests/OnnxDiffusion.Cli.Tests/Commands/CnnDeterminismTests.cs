using System.Diagnostics;
using System.Text.Json;

namespace OnnxDiffusion.Cli.Tests.Commands;

/// <summary>The cnn kind in the experiment: the same sets, seeds and thread count give bit-identical results in two processes.</summary>
public class CnnDeterminismTests
{
    [Fact]
    public void TwoProcessesGiveBitIdenticalAccuracies()
    {
        string plan = Path.Combine(Directory.CreateTempSubdirectory("cnnplan").FullName, "plan.json");
        File.WriteAllText(plan, """
            { "profile": "quick", "per_class": 4, "strengths": [0.5], "steps": 4, "replicates": 2, "metrics": false,
              "test_limit": null, "batch": 8, "guidance": 2, "classifiers": ["cnn"], "cnn": { "epochs": 6 } }
            """);
        string Run()
        {
            string outDir = TestData.NewDir("cnn-process");
            string cli = Path.Combine(AppContext.BaseDirectory, "onnxdiffusion.dll");
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "reproduce", "--plan", plan, "--model", TestData.TinyModel, "--data", ReproduceCommandTests.Splits.Value,
                         "--device", "cpu", "--out", outDir })
                psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, $"exit {p.ExitCode}: {err} {stdout.Result}");
            return File.ReadAllText(Path.Combine(outDir, "results.json"));
        }
        string first = Run();
        using (var doc = JsonDocument.Parse(first))
        {
            var rows = doc.RootElement.GetProperty("rows").EnumerateArray().ToArray();
            // 2 replicates × (real, synthetic, real+synthetic, generated, real+generated), all cnn
            Assert.Equal(10, rows.Length);
            Assert.All(rows, r => Assert.Equal("cnn", r.GetProperty("classifier").GetString()));
        }
        Assert.Equal(first, Run());
    }
}
