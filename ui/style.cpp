#include "style.h"

#include <QApplication>
#include <QPalette>
#include <QStyleFactory>

namespace onair {

void applyControlRoomStyle(QApplication &app)
{
    app.setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
    QPalette p;
    const QColor base(0x1e, 0x23, 0x29), window(0x25, 0x2b, 0x32), text(0xe6, 0xe9, 0xec);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x22, 0x28, 0x2e));
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x30, 0x37, 0x40));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::Highlight, QColor(0x3d, 0x8b, 0xd9));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::ToolTipBase, base);
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x93, 0x9c));
    p.setColor(QPalette::Link, QColor(0x6c, 0xb6, 0xff)); // the default blue is unreadable on this base
    p.setColor(QPalette::Disabled, QPalette::Text, QColor(0x70, 0x77, 0x7e));
    p.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x70, 0x77, 0x7e));
    app.setPalette(p);
    app.setStyleSheet(QStringLiteral(
        "QGroupBox { border: 1px solid #3a424c; border-radius: 6px; margin-top: 1.2em; padding: 6px; }"
        "QGroupBox::title { subcontrol-origin: margin; left: 8px; padding: 0 4px; color: #9fb3c8; font-weight: bold; }"
        "QPushButton#onAir { font-size: 20px; font-weight: bold; padding: 10px 26px; border-radius: 8px;"
        "  background: #3a424c; color: #c9d1d9; border: 2px solid #59636e; }"
        "QPushButton#onAir:checked { background: #d7263d; color: white; border: 2px solid #ff6b6b; }"
        // REC beside it: recording in red letters on dark (ON AIR keeps the red field); failed
        // in a red field with an amber border, the reason in its text.
        "QPushButton#recordButton { font-size: 15px; font-weight: bold; padding: 10px 12px; border-radius: 8px;"
        "  background: #3a424c; color: #c9d1d9; border: 2px solid #59636e; }"
        "QPushButton#recordButton:checked { background: #2d1c20; color: #ff6b6b; border: 2px solid #d7263d; }"
        "QPushButton#recordButton[failed=\"true\"] { background: #d7263d; color: white; border: 2px solid #ffd166; }"
        // The booth's ON AIR (Interpretation tab): the same red field, at the size of a button.
        "QPushButton#boothOnAir:checked { background: #d7263d; color: white; font-weight: bold; border: 1px solid #ff6b6b;"
        "  border-radius: 4px; padding: 4px 10px; }"
        "QPushButton#handOver:checked { background: #8a6200; color: white; border: 1px solid #f1c40f; border-radius: 4px; padding: 4px 10px; }"
        "QLabel#bannerPreview { border-radius: 6px; padding: 8px; }"
        "QLabel#counter[over=\"true\"] { color: #ff5c5c; font-weight: bold; }"
        "QHeaderView::section { background: #2b323a; color: #c9d1d9; padding: 4px; border: none; }"
        "QLabel#shareState { border: none; border-left: 3px solid #f1c40f; padding-left: 6px; }"
        "QPushButton#shareOpen { background: #2f6fb0; color: white; font-weight: bold; padding: 4px 12px;"
        "  border: 1px solid #4a8fd6; border-radius: 4px; }"
        "QPushButton#shareOpen:hover { background: #3a7fc4; }"));
}

} // namespace onair
