using Xunit.Abstractions;

namespace OnnxDiffusion.Cli.Tests.Architecture;

/// <summary>
/// The house's dependency rules, checked on the compiled product assemblies: no cycle between namespaces, kernels free
/// of ONNX and files, classification free of diffusion.
/// </summary>
public class ArchitectureTests(ITestOutputHelper output)
{
    private static readonly string[] Assemblies =
        ["OnnxDiffusion.Kernels", "OnnxDiffusion.Core", "OnnxDiffusion.Classification", "OnnxDiffusion.Experiments", "onnxdiffusion"];

    private static readonly Lazy<NamespaceGraph> Product = new(() =>
    {
        var graph = new NamespaceGraph();
        foreach (var name in Assemblies)
            graph.Add(Path.Combine(AppContext.BaseDirectory, name + ".dll"));
        return graph;
    });

    private static bool Ours(string ns) => ns == "OnnxDiffusion" || ns.StartsWith("OnnxDiffusion.", StringComparison.Ordinal);

    [Fact]
    public void NoNamespaceCycles()
    {
        var graph = Product.Value;
        var cycles = graph.Cycles(Ours);
        foreach (var cycle in cycles)
        {
            output.WriteLine("{" + string.Join(", ", cycle) + "}");
            foreach (var ((from, to), example) in graph.Edges.Where(e => cycle.Contains(e.Key.From) && cycle.Contains(e.Key.To)))
                output.WriteLine($"  {from} → {to}: {example}");
        }
        Assert.True(cycles.Count == 0, $"{cycles.Count} namespace cycle(s): " + string.Join("; ", cycles.Select(c => "{" + string.Join(", ", c) + "}")));
    }

    [Fact]
    public void KernelsKnowNothingOfOnnxOrFiles()
    {
        var bad = Product.Value.Edges
            .Where(e => e.Key.From.StartsWith("OnnxDiffusion.Kernels", StringComparison.Ordinal)
                        && (e.Key.To.StartsWith("Microsoft.ML", StringComparison.Ordinal) || e.Key.To == "System.IO"
                            || (Ours(e.Key.To) && !e.Key.To.StartsWith("OnnxDiffusion.Kernels", StringComparison.Ordinal))))
            .Select(e => e.Value).ToList();
        Assert.True(bad.Count == 0, string.Join("; ", bad));
    }

    [Fact]
    public void ClassificationKnowsNothingOfDiffusion()
    {
        string[] diffusion = ["Kernels", "Models", "Pipelines", "Sampling", "Schedules", "Synthesis", "Text", "Experiments", "Cli"];
        var bad = Product.Value.Edges
            .Where(e => e.Key.From.StartsWith("OnnxDiffusion.Classification", StringComparison.Ordinal)
                        && diffusion.Any(d => e.Key.To.StartsWith("OnnxDiffusion." + d, StringComparison.Ordinal)))
            .Select(e => e.Value).ToList();
        Assert.True(bad.Count == 0, string.Join("; ", bad));
    }

    /// <summary>The graph sees what it must: a self-check so the rules above cannot pass by reading nothing.</summary>
    [Fact]
    public void TheGraphSeesKnownDependencies()
    {
        var graph = Product.Value;
        Assert.Contains("OnnxDiffusion.Sampling", graph.Namespaces);
        Assert.Contains("OnnxDiffusion.Kernels", graph.Uses("OnnxDiffusion.Sampling"));
        Assert.Contains("OnnxDiffusion.Models", graph.Uses("OnnxDiffusion.Pipelines"));
        Assert.Contains("Microsoft.ML.OnnxRuntime", graph.Uses("OnnxDiffusion.Models"));
        Assert.Contains("OnnxDiffusion.Classification", graph.Uses("OnnxDiffusion.Experiments.Stages"));
    }
}
