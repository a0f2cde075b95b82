namespace OnnxDiffusion.Experiments.Reporting;

/// <summary>A plot the report links to.</summary>
/// <param name="FileName">File name inside the plots folder, e.g. <c>fd.png</c>.</param>
/// <param name="Title">Caption for the report.</param>
public sealed record ReportPlot(string FileName, string Title);
