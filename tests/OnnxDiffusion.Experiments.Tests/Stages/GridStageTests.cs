using OnnxDiffusion.Experiments.Stages;

namespace OnnxDiffusion.Experiments.Tests.Stages;

public class GridStageTests
{
    [Fact]
    public void One_row_per_class_and_one_column_per_set_plus_the_real_image()
    {
        var real = StageFixtures.Real(StageFixtures.TinySplits(), perClass: 2, replicates: 1);
        string outDir = StageFixtures.NewDir("grid");
        var context = StageFixtures.Context(outDir);
        using var pipeline = StageFixtures.Pipeline();
        var sets = new SynthesisStage(pipeline).Run(new SynthesisInput(real, real.Subsets[0], [0, 0.5], true, 2, outDir), context);
        string path = GridStage.Run(new GridInput(real.Subsets[0], sets, Path.Combine(outDir, "grid.png")), context);
        using var bmp = SkiaSharp.SKBitmap.Decode(path);
        // 4×4 cells at scale 2 with 2-pixel padding: 4 columns (real, s = 0, s = 0.5, generated) × 10 rows.
        Assert.Equal(4 * 8 + 5 * 2, bmp.Width);
        Assert.Equal(10 * 8 + 11 * 2, bmp.Height);
    }
}
