//! One `IndexWriter` shared by several threads: every document added is
//! searchable after one commit, and a path still holds one document.

use cerca_core::{Document, HitDetail, Index, SearchOptions, SortOrder};

const THREADS: usize = 4;
const PER_THREAD: usize = 50;

#[test]
fn several_threads_add_to_one_writer_and_every_document_is_found() -> cerca_core::Result<()> {
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    std::thread::scope(|scope| {
        let adders: Vec<_> = (0..THREADS)
            .map(|thread| {
                let writer = &writer;
                scope.spawn(move || -> cerca_core::Result<()> {
                    for n in 0..PER_THREAD {
                        writer.add(&Document::new(
                            format!("/t{thread}/nota-{n}.txt"),
                            format!("Nota {n}"),
                            format!("Le esercitazioni del gruppo {thread}, numero {n}"),
                        ))?;
                    }
                    Ok(())
                })
            })
            .collect();
        adders
            .into_iter()
            .try_for_each(|adder| adder.join().expect("an adding thread panicked"))
    })?;
    writer.commit()?;

    let all = SearchOptions::default()
        .with_limit(THREADS * PER_THREAD + 1)
        .with_sort(SortOrder::Path)
        .with_detail(HitDetail::Columns);
    let results = index.search("esercitazione", &all)?;
    assert_eq!(results.total, THREADS * PER_THREAD);
    for thread in 0..THREADS {
        let path = format!("/t{thread}/");
        let found = results
            .hits
            .iter()
            .filter(|hit| hit.path.starts_with(&path))
            .count();
        assert_eq!(found, PER_THREAD, "documents of thread {thread}");
    }
    Ok(())
}

#[test]
fn threads_adding_the_same_path_leave_one_document() -> cerca_core::Result<()> {
    let index = Index::create_in_ram()?;
    let mut writer = index.writer()?;
    std::thread::scope(|scope| {
        for thread in 0..THREADS {
            let writer = &writer;
            scope.spawn(move || {
                for round in 0..PER_THREAD {
                    let body = format!("Versione {round} scritta dal gruppo {thread}");
                    writer
                        .add(&Document::new("/condivisa.txt", "Condivisa", body))
                        .expect("adds");
                }
            });
        }
    });
    writer.commit()?;
    assert_eq!(index.num_docs(), 1);
    assert_eq!(
        index.search("versione", &SearchOptions::default())?.total,
        1
    );
    Ok(())
}
