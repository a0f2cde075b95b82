namespace OnnxDiffusion.Classification.Tests;

public class ClassificationMetricsTests
{
    private static readonly string[] Names = ["a", "b", "c", "d", "e"];

    // [true][predicted]; d is predicted once but never true, e occurs nowhere.
    private static readonly int[][] Matrix =
    [
        [5, 1, 0, 0, 0],
        [2, 3, 1, 0, 0],
        [0, 0, 3, 1, 0],
        [0, 0, 0, 0, 0],
        [0, 0, 0, 0, 0],
    ];

    [Fact]
    public void HandComputedConfusionMatrix()
    {
        var m = ClassificationMetrics.FromConfusionMatrix(Names, Matrix);
        Assert.Equal(16, m.TestCount);
        Assert.Equal(11.0 / 16, m.Accuracy, 12);
        // F1 = 2·TP / (support + predicted): a 10/13, b 6/10, c 6/8, d 0/1; e has neither and is left out.
        Assert.Equal((10.0 / 13 + 0.6 + 0.75 + 0.0) / 4, m.MacroF1, 12);
        Assert.Equal(new double?[] { 5.0 / 6, 0.5, 0.75, null, null }, m.PerClassAccuracy);
        Assert.Equal(new double?[] { 5.0 / 7, 0.75, 0.75, 0.0, null }, m.PerClass.Select(c => c.Precision));
        Assert.Equal(new double?[] { 10.0 / 13, 0.6, 0.75, 0.0, null }, m.PerClass.Select(c => c.F1));
        Assert.Equal(new[] { 6, 6, 4, 0, 0 }, m.PerClass.Select(c => c.TestCount));
        Assert.Equal(new[] { 7, 4, 4, 1, 0 }, m.PerClass.Select(c => c.PredictedCount));
        Assert.Equal(Names, m.PerClass.Select(c => c.Name));
    }

    [Fact]
    public void PredictionsGiveTheSameMatrix()
    {
        var truth = new List<int>();
        var predicted = new List<int>();
        for (int t = 0; t < Matrix.Length; t++)
            for (int p = 0; p < Matrix.Length; p++)
                for (int n = 0; n < Matrix[t][p]; n++)
                {
                    truth.Add(t);
                    predicted.Add(p);
                }
        var m = ClassificationMetrics.FromPredictions(Names, truth, predicted);
        Assert.Equal(Matrix, m.ConfusionMatrix.Select(r => r.ToArray()));
        Assert.Equal(11.0 / 16, m.Accuracy, 12);
    }

    [Fact]
    public void PerfectPredictionsScoreOne()
    {
        var m = ClassificationMetrics.FromPredictions(["x", "y"], [0, 1, 1], [0, 1, 1]);
        Assert.Equal(1.0, m.Accuracy);
        Assert.Equal(1.0, m.MacroF1);
    }

    [Fact]
    public void MalformedMatricesAreRejected()
    {
        Assert.Contains("not 2×2", Assert.Throws<ClassificationException>(() =>
            ClassificationMetrics.FromConfusionMatrix(["x", "y"], [[1, 0, 0], [0, 1, 0]])).Message);
        Assert.Contains("empty", Assert.Throws<ClassificationException>(() =>
            ClassificationMetrics.FromConfusionMatrix(["x", "y"], [[0, 0], [0, 0]])).Message);
        Assert.Contains("outside the 2 classes", Assert.Throws<ClassificationException>(() =>
            ClassificationMetrics.FromPredictions(["x", "y"], [0, 2], [0, 1])).Message);
    }
}
